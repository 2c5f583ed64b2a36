package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.capture;
import static io.hotelcrm.credit.LedgerApi.grant;
import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.release;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
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
 * Issue 12, gap 5: a refund that arrives while running AI executions hold the refunded credits takes back what
 * is available and records the rest as owed; the owed credits are taken from what becomes available next (a
 * release, or the next grant once the held credits were spent). Checked from the tables and the balance API.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class OwedCreditsTest {

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

    @Test
    void aRefundWhileCreditsAreHeldIsOwedAndSettledByTheRelease() throws Exception {
        String tenant = newTenant();
        int free = open(tenant);
        String hold = paidAndHeld(tenant, "pi_owed_release", free + 2000 - 200);
        refund(tenant, "pi_owed_release", "re_owed_1");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> owed(tenant) == 1800);
        assertThat(LedgerApi.available(tenant)).isZero();
        LedgerInvariants ledger = new LedgerInvariants(db);
        ledger.assertHoldFor(tenant);

        release(hold).then().statusCode(200);

        assertThat(owed(tenant)).isZero();
        assertThat(LedgerApi.available(tenant)).isEqualTo(free);
        assertThat(refunded(ledger, tenant)).as("the whole refunded payment came back out").isEqualTo(2000);
        ledger.assertHoldFor(tenant);
    }

    @Test
    void owedCreditsSpentByACaptureAreSettledFromTheNextGrants() throws Exception {
        String tenant = newTenant();
        int free = open(tenant);
        String hold = paidAndHeld(tenant, "pi_owed_capture", free + 2000 - 200);
        refund(tenant, "pi_owed_capture", "re_owed_2");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> owed(tenant) == 1800);

        capture(hold, free + 2000 - 200, "owed-cap").then().statusCode(200); // the held credits are spent
        assertThat(owed(tenant)).isEqualTo(1800);
        assertThat(LedgerApi.available(tenant)).isZero();

        grant(tenant, "BONUS", 1000, "owed-bonus-1", null).then().statusCode(200);
        assertThat(owed(tenant)).isEqualTo(800);
        assertThat(LedgerApi.available(tenant)).isZero();
        grant(tenant, "BONUS", 1000, "owed-bonus-2", null).then().statusCode(200);
        assertThat(owed(tenant)).isZero();
        assertThat(LedgerApi.available(tenant)).isEqualTo(200);

        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(refunded(ledger, tenant)).isEqualTo(2000);
        ledger.assertHoldFor(tenant);
    }

    @Test
    void aRefundWithNothingHeldOwesNothing() throws Exception {
        String tenant = newTenant();
        int free = open(tenant);
        producer.send(EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(),
                new PaymentSucceeded("pi_owed_none", "pur-owed-0", "pkg-2000", 2000, 18000, "dashboard", "stripe", null)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free + 2000);
        refund(tenant, "pi_owed_none", "re_owed_0");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free);
        assertThat(owed(tenant)).isZero();
        new LedgerInvariants(db).assertHoldFor(tenant);
    }

    /** Pays 2,000 credits and reserves {@code held} of the account, so that 200 stay available. */
    private String paidAndHeld(String tenant, String payment, long held) {
        int free = LedgerApi.available(tenant);
        producer.send(EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(),
                new PaymentSucceeded(payment, "pur-" + payment, "pkg-2000", 2000, 18000, "dashboard", "stripe", null)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == free + 2000);
        String hold = reserve(tenant, held, "hold-" + payment).then().statusCode(200).extract().path("holdId");
        assertThat(LedgerApi.available(tenant)).isEqualTo(200);
        return hold;
    }

    private void refund(String tenant, String payment, String refundId) {
        producer.send(EventEnvelope.wrap(EventType.PaymentRefunded, tenant, Instant.now(),
                new PaymentRefunded(payment, refundId, 18000, 2000)));
    }

    private static int owed(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance")
                .then().statusCode(200).extract().path("balance.owedCredits");
    }

    /** Σ REFUND entries of the account, counted from the table. */
    private static long refunded(LedgerInvariants ledger, String tenant) throws Exception {
        return -ledger.single("select coalesce(sum(t.credits_amount), 0) from ai_credit_transactions t "
                + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id = ? "
                + "and t.transaction_type = 'REFUND'", tenant);
    }
}
