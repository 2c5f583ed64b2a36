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

    /** Waits until the marker payment's grant is written: everything the tenant was sent before it was applied. */
    private void drained(String tenant, String marker) {
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded(marker, "pur-" + marker, "pkg-500", 500, 5000,
                "dashboard", "stripe", null));
        LedgerInvariants ledger = new LedgerInvariants(db);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> entries(ledger, tenant, "payment:" + marker) == 1);
    }

    private static int owed(String tenant) {
        return io.restassured.RestAssured.given().auth().oauth2(io.hotelcrm.testsupport.TestJwt.staff(tenant))
                .get("/api/v1/credits/balance").then().statusCode(200).extract().path("balance.owedCredits");
    }

    private long owedRow(LedgerInvariants ledger, String tenant, String column, String key) throws Exception {
        return ledger.single("select o." + column + " from owed_credit o join ai_credit_accounts a on a.id = o.account_id "
                + "where a.tenant_id = ? and o.source_key = ?", tenant, key);
    }

    /**
     * Issue 12, owed by source: a hold-back while running executions hold the disputed credits takes 200 and owes
     * 1,800; the win cancels its own 1,800 still owed and gives back the 200 it took, so after the release every
     * credit of the purchase is back. (Before: the 200 given back went to the dispute's own debt, 1,600 stayed owed
     * and the release paid them, the hotel lost 1,800 credits of a dispute it won.)
     */
    @Test
    void aWonDisputeCancelsWhatItsHoldBackStillOwed() throws Exception {
        String tenant = newTenant();
        open(tenant);
        int free = LedgerApi.available(tenant);
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_owed_won", "pur-ow", "pkg-2000", 2000, 19800,
                "dashboard", "stripe", null));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free + 2000);
        String hold = reserve(tenant, free + 1800, "owed-won").then().statusCode(200).extract().path("holdId");
        send(tenant, EventType.PaymentRefunded, new PaymentRefunded("pi_owed_won", "dispute:dp_owed_won", 19800, 2000));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> owed(tenant) == 1800);
        LedgerInvariants ledger = new LedgerInvariants(db);
        ledger.assertHoldFor(tenant);

        send(tenant, EventType.PaymentReinstated, new PaymentReinstated("pi_owed_won", "dp_owed_won", 19800, 2000));
        send(tenant, EventType.PaymentReinstated, new PaymentReinstated("pi_owed_won", "dp_owed_won", 19800, 2000));
        drained(tenant, "pi_marker_ow");

        assertThat(owed(tenant)).as("the dispute's own debt is cancelled").isZero();
        assertThat(owedRow(ledger, tenant, "cancelled", "refund:dispute:dp_owed_won")).isEqualTo(1800);
        assertThat(ledger.single("select t.credits_amount from ai_credit_transactions t join ai_credit_accounts a "
                + "on a.id = t.account_id where a.tenant_id = ? and t.idempotency_key = ?", tenant, "dispute-won:dp_owed_won"))
                .as("only what the hold-back took comes back").isEqualTo(200);
        assertThat(LedgerApi.available(tenant)).isEqualTo(200 + 500);
        ledger.assertHoldFor(tenant);

        LedgerApi.release(hold).then().statusCode(200);
        assertThat(LedgerApi.available(tenant)).as("every credit of the purchase is back").isEqualTo(free + 2000 + 500);
        assertThat(owed(tenant)).isZero();
        ledger.assertHoldFor(tenant);
    }

    /**
     * The held credits were spent and a grant settled 1,000 of the hold-back's 1,800 owed before the win: the win
     * cancels the 800 still owed and gives back what the hold-back actually took, 200 at once and 1,000 settled.
     * Another refund's debt is not cancelled by it and is settled from what the win gives back.
     */
    @Test
    void aWonDisputeGivesBackWhatItsOwedPartSettledAndLeavesOtherDebts() throws Exception {
        String tenant = newTenant();
        open(tenant);
        int free = LedgerApi.available(tenant);
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_owed_set", "pur-os", "pkg-2000", 2000, 19800,
                "dashboard", "stripe", null));
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_owed_other", "pur-oo", "pkg-500", 500, 5500,
                "dashboard", "stripe", null));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free + 2500);
        String hold = reserve(tenant, free + 2300, "owed-set").then().statusCode(200).extract().path("holdId");
        send(tenant, EventType.PaymentRefunded, new PaymentRefunded("pi_owed_set", "dispute:dp_owed_set", 19800, 2000));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> owed(tenant) == 1800); // took 200
        send(tenant, EventType.PaymentRefunded, new PaymentRefunded("pi_owed_other", "re_owed_other", 5500, 500));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> owed(tenant) == 2300); // took nothing
        capture(hold, free + 2300, "owed-set-cap").then().statusCode(200); // the held credits are spent
        LedgerApi.grant(tenant, "BONUS", 1000, "owed-set-bonus", null).then().statusCode(200);
        assertThat(owed(tenant)).isEqualTo(1300); // the oldest debt first: 1,000 of the hold-back's
        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(owedRow(ledger, tenant, "settled", "refund:dispute:dp_owed_set")).isEqualTo(1000);
        ledger.assertHoldFor(tenant);

        send(tenant, EventType.PaymentReinstated, new PaymentReinstated("pi_owed_set", "dp_owed_set", 19800, 2000));
        drained(tenant, "pi_marker_os");

        assertThat(owedRow(ledger, tenant, "cancelled", "refund:dispute:dp_owed_set")).isEqualTo(800);
        assertThat(ledger.single("select t.credits_amount from ai_credit_transactions t join ai_credit_accounts a "
                + "on a.id = t.account_id where a.tenant_id = ? and t.idempotency_key = ?", tenant, "dispute-won:dp_owed_set"))
                .isEqualTo(1200);
        // The other refund's 500 stay owed and are paid from the 1,200 given back: 700 left, then the marker's 500.
        assertThat(owed(tenant)).isZero();
        assertThat(owedRow(ledger, tenant, "settled", "refund:re_owed_other")).isEqualTo(500);
        assertThat(LedgerApi.available(tenant)).isEqualTo(700 + 500);
        ledger.assertHoldFor(tenant);
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
