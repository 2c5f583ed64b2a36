package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentRefundFailed;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestEventProducer;
import io.hotelcrm.testsupport.TestJwt;
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
 * Issue 12, money events: a refund Stripe reported succeeded and then failed (PaymentRefundFailed, through the real
 * broker) gives back what its refund step took, once, cancels what of it is still owed, and shrinks a step still
 * waiting for its payment. Checked from the tables.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class RefundFailedTest {

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

    private long entry(LedgerInvariants ledger, String tenant, String key) throws Exception {
        return ledger.single("select coalesce(sum(t.credits_amount), 0) from ai_credit_transactions t "
                + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id = ? and t.idempotency_key = ?", tenant, key);
    }

    private long count(LedgerInvariants ledger, String tenant, String key) throws Exception {
        return ledger.single("select count(*) from ai_credit_transactions t join ai_credit_accounts a "
                + "on a.id = t.account_id where a.tenant_id = ? and t.idempotency_key = ?", tenant, key);
    }

    /** Everything sent to the tenant before a marker payment was applied once the marker's grant is written. */
    private void drained(String tenant, String marker) {
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded(marker, "pur-" + marker, "pkg-500", 500, 5000,
                "dashboard", "stripe", null));
        LedgerInvariants ledger = new LedgerInvariants(db);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count(ledger, tenant, "payment:" + marker) == 1);
    }

    private static int owed(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance")
                .then().statusCode(200).extract().path("balance.owedCredits");
    }

    @Test
    void aFailedRefundGivesItsCreditsBackOnce() throws Exception {
        String tenant = newTenant();
        int free = open(tenant);
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_rf", "pur-rf", "pkg-500", 500, 5500,
                "dashboard", "stripe", null));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free + 500);
        send(tenant, EventType.PaymentRefunded, new PaymentRefunded("pi_rf", "ch_rf:5500", 5500, 500));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free);

        PaymentRefundFailed failed = new PaymentRefundFailed("pi_rf", "re_rf", "ch_rf:5500", 5500, 500);
        EventEnvelope event = EventEnvelope.wrap(EventType.PaymentRefundFailed, tenant, Instant.now(), failed);
        producer.send(event);
        producer.send(event);
        send(tenant, EventType.PaymentRefundFailed, failed); // the same fact in another envelope
        drained(tenant, "pi_marker_rf");

        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(count(ledger, tenant, "refund-failed:re_rf:ch_rf:5500")).isEqualTo(1);
        assertThat(entry(ledger, tenant, "refund-failed:re_rf:ch_rf:5500")).isEqualTo(500);
        assertThat(LedgerApi.available(tenant)).isEqualTo(free + 500 + 500);
        ledger.assertHoldFor(tenant);
    }

    @Test
    void aFailedRefundWhileCreditsWereHeldCancelsItsOwedPart() throws Exception {
        String tenant = newTenant();
        int free = open(tenant);
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_rfo", "pur-rfo", "pkg-2000", 2000, 19800,
                "dashboard", "stripe", null));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free + 2000);
        String hold = reserve(tenant, free + 1800, "rfo").then().statusCode(200).extract().path("holdId");
        send(tenant, EventType.PaymentRefunded, new PaymentRefunded("pi_rfo", "ch_rfo:19800", 19800, 2000));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> owed(tenant) == 1800);

        send(tenant, EventType.PaymentRefundFailed, new PaymentRefundFailed("pi_rfo", "re_rfo", "ch_rfo:19800", 19800, 2000));
        drained(tenant, "pi_marker_rfo");

        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(owed(tenant)).isZero();
        assertThat(entry(ledger, tenant, "refund-failed:re_rfo:ch_rfo:19800")).isEqualTo(200);
        ledger.assertHoldFor(tenant);
        LedgerApi.release(hold).then().statusCode(200);
        assertThat(LedgerApi.available(tenant)).isEqualTo(free + 2000 + 500);
        ledger.assertHoldFor(tenant);
    }

    @Test
    void aFailedRefundWhoseStepStillWaitsForItsPaymentTakesNothing() throws Exception {
        String tenant = newTenant();
        int free = open(tenant);
        // Out of order (a dead letter replayed late): the refund step and its failure before the payment.
        send(tenant, EventType.PaymentRefunded, new PaymentRefunded("pi_rfl", "ch_rfl:5500", 5500, 500));
        send(tenant, EventType.PaymentRefundFailed, new PaymentRefundFailed("pi_rfl", "re_rfl", "ch_rfl:5500", 5500, 500));
        send(tenant, EventType.PaymentSucceeded, new PaymentSucceeded("pi_rfl", "pur-rfl", "pkg-500", 500, 5500,
                "dashboard", "stripe", null));
        drained(tenant, "pi_marker_rfl");
        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(count(ledger, tenant, "refund:ch_rfl:5500")).isZero();
        assertThat(count(ledger, tenant, "refund-failed:re_rfl:ch_rfl:5500")).isZero();
        assertThat(ledger.single("select count(*) from pending_refund where tenant_id = ?", tenant)).isZero();
        assertThat(LedgerApi.available(tenant)).isEqualTo(free + 500 + 500);
        ledger.assertHoldFor(tenant);
    }

    /**
     * A step that combined two refunds (billing saw the later cumulative step first) took 200 and owes 1,800 (running
     * executions held the rest, then spent it); both refunds then fail. The hotel must end as if nothing was refunded:
     * compared with a twin tenant that bought and spent the same and had no refund at all.
     */
    @Test
    void twoFailuresOfOneCombinedStepEndAsIfNothingWasRefunded() throws Exception {
        String tenant = newTenant();
        String twin = newTenant();
        int free = open(tenant);
        assertThat(open(twin)).isEqualTo(free);
        for (String t : new String[] {tenant, twin}) {
            send(t, EventType.PaymentSucceeded, new PaymentSucceeded("pi_rc", "pur-rc", "pkg-2000", 2000, 19800,
                    "dashboard", "stripe", null));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(t) == free + 2000);
        }
        String held = reserve(tenant, free + 1800, "rc").then().statusCode(200).extract().path("holdId");
        String twinHeld = reserve(twin, free + 1800, "rc").then().statusCode(200).extract().path("holdId");
        send(tenant, EventType.PaymentRefunded, new PaymentRefunded("pi_rc", "ch_rc:19800", 19800, 2000));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> owed(tenant) == 1800);
        LedgerApi.capture(held, free + 1800, "rc-capture").then().statusCode(200);
        LedgerApi.capture(twinHeld, free + 1800, "rc-capture").then().statusCode(200);

        send(tenant, EventType.PaymentRefundFailed, new PaymentRefundFailed("pi_rc", "re_rc1", "ch_rc:19800", 9900, 1000));
        send(tenant, EventType.PaymentRefundFailed, new PaymentRefundFailed("pi_rc", "re_rc2", "ch_rc:19800", 9900, 1000));
        drained(tenant, "pi_marker_rc");
        drained(twin, "pi_marker_rc");

        LedgerInvariants ledger = new LedgerInvariants(db);
        String balance = "select current_balance from ai_credit_accounts where tenant_id = ?";
        String owedSql = "select owed_credits from ai_credit_accounts where tenant_id = ?";
        assertThat(ledger.single(balance, tenant)).isEqualTo(ledger.single(balance, twin)).isEqualTo(200 + 500);
        assertThat(ledger.single(owedSql, tenant)).isZero();
        // What the reversals gave back is never more than the step took: its entry plus what of its owed part was
        // settled by credits other than the reversals.
        long reversed = entry(ledger, tenant, "refund-failed:re_rc1:ch_rc:19800")
                + entry(ledger, tenant, "refund-failed:re_rc2:ch_rc:19800");
        assertThat(reversed).isEqualTo(-entry(ledger, tenant, "refund:ch_rc:19800"));
        ledger.assertHoldFor(tenant);
        ledger.assertHoldFor(twin);
    }
}
