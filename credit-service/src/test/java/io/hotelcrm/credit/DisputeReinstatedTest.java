package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.capture;
import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentReinstated;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestEventProducer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dispute through the real broker (issue 12, gap 3): billing holds the credits back with a PaymentRefunded
 * {@code dispute:<id>}, and when the dispute is won gives them back with PaymentReinstated, which grants once
 * (key {@code dispute-won:<id>}) and never more than the hold-back took.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class DisputeReinstatedTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;
    @Inject
    AgroalDataSource db;

    TestEventProducer producer;

    @BeforeEach
    void connect() {
        producer = new TestEventProducer(kafka);
    }

    @AfterEach
    void disconnect() {
        producer.close();
    }

    private void send(String tenant, EventType type, Object data) {
        producer.send(EventEnvelope.wrap(type, tenant, Instant.now(), data));
    }

    /** A later event of the same tenant (same partition) applied proves everything sent before was consumed. */
    private void drain(String tenant, int availableAfter) {
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_marker-" + tenant, "pur-m", "pkg-500", 500, 5000,
                "dashboard", "stripe", null));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == availableAfter);
    }

    private long entries(LedgerInvariants ledger, String tenant, String key) throws Exception {
        return ledger.single("select count(*) from ai_credit_transactions t join ai_credit_accounts a on a.id = t.account_id "
                + "where a.tenant_id = ? and t.idempotency_key = ?", tenant, key);
    }

    @Test
    void aWonDisputeDeliveredThreeTimesGivesTheHeldBackCreditsBackOnce() throws Exception {
        String tenant = newTenant();
        open(tenant);
        int free = LedgerApi.available(tenant);
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_disputed", "pur-d", "pkg-2000", 2000, 19800,
                "dashboard", "stripe", null));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free + 2000);
        send(tenant, EventType.PaymentRefunded, new PaymentRefunded("pi_disputed", "dispute:dp_won", 19800, 2000));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free);

        PaymentReinstated won = new PaymentReinstated("pi_disputed", "dp_won", 19800, 2000);
        EventEnvelope event = EventEnvelope.wrap(EventType.PaymentReinstated, tenant, Instant.now(), won);
        producer.send(event);
        producer.send(event);
        producer.send(event);
        // The same fact as a new event (another envelope id) grants nothing either: the ledger key decides.
        send(tenant, EventType.PaymentReinstated, won);
        drain(tenant, free + 2000 + 500);

        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(entries(ledger, tenant, "dispute-won:dp_won")).isEqualTo(1);
        assertThat(ledger.single("select t.credits_amount from ai_credit_transactions t join ai_credit_accounts a "
                + "on a.id = t.account_id where a.tenant_id = ? and t.idempotency_key = ?", tenant, "dispute-won:dp_won"))
                .isEqualTo(2000);
        ledger.assertHoldFor(tenant);
    }

    @Test
    void creditsSpentBeforeTheHoldBackAreNotGivenBack() throws Exception {
        String tenant = newTenant();
        open(tenant);
        int free = LedgerApi.available(tenant);
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_spent_d", "pur-s", "pkg-500", 500, 5500,
                "dashboard", "stripe", null));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free + 500);
        String hold = reserve(tenant, free + 200, "spend").then().statusCode(200).extract().path("holdId");
        capture(hold, free + 200, "spend-cap").then().statusCode(200); // the free credits, then 200 purchased
        send(tenant, EventType.PaymentRefunded, new PaymentRefunded("pi_spent_d", "dispute:dp_spent", 5500, 500));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == 0);

        send(tenant, EventType.PaymentReinstated, new PaymentReinstated("pi_spent_d", "dp_spent", 5500, 500));
        send(tenant, EventType.PaymentReinstated, new PaymentReinstated("pi_spent_d", "dp_spent", 5500, 500));
        drain(tenant, 300 + 500); // the 300 the hold-back took, not the 500 billing held back
        new LedgerInvariants(db).assertHoldFor(tenant);
    }

    @Test
    void aReturnWithoutAHoldBackGivesNothing() throws Exception {
        String tenant = newTenant();
        open(tenant);
        int free = LedgerApi.available(tenant);
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_nohold", "pur-n", "pkg-500", 500, 5500,
                "dashboard", "stripe", null));
        send(tenant, EventType.PaymentReinstated, new PaymentReinstated("pi_nohold", "dp_none", 5500, 500));
        drain(tenant, free + 500 + 500);
        assertThat(entries(new LedgerInvariants(db), tenant, "dispute-won:dp_none")).isZero();
    }

    @Test
    void aDisputeWonWhileItsHoldBackWaitsForThePaymentTakesNothing() throws Exception {
        String tenant = newTenant();
        open(tenant);
        int free = LedgerApi.available(tenant);
        // Delivered out of order (a dead letter replayed late): the hold-back and the win before the payment.
        send(tenant, EventType.PaymentRefunded, new PaymentRefunded("pi_late", "dispute:dp_late", 5500, 500));
        send(tenant, EventType.PaymentReinstated, new PaymentReinstated("pi_late", "dp_late", 5500, 500));
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_late", "pur-l", "pkg-500", 500, 5500,
                "dashboard", "stripe", null));
        drain(tenant, free + 500 + 500);
        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(entries(ledger, tenant, "refund:dispute:dp_late")).isZero();
        assertThat(entries(ledger, tenant, "dispute-won:dp_late")).isZero();
        assertThat(ledger.single("select count(*) from pending_refund where tenant_id = ?", tenant)).isZero();
    }
}
