package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.capture;
import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.contracts.billing.PlanChanged;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.contracts.credit.BalanceLow;
import io.hotelcrm.credit.account.AutoPurchaseMode;
import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.testsupport.EventRecorder;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.hotelcrm.testsupport.TestEventProducer;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** billing-service's events applied to the ledger through the real broker, each exactly once. */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class BillingEventsConsumerTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;
    @Inject
    AgroalDataSource db;
    @Inject
    MutableClock clock;
    @Inject
    Ledger ledger;

    TestEventProducer producer;

    @BeforeEach
    void connect() {
        producer = new TestEventProducer(kafka);
    }

    @AfterEach
    void disconnect() {
        producer.close();
        clock.reset();
    }

    @Test
    void aPaymentDeliveredThreeTimesGrantsOnceAndARefundClawsBackOnlyWhatIsLeft() throws Exception {
        String tenant = newTenant();
        open(tenant);
        EventEnvelope paid = EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(),
                new PaymentSucceeded("pi_three", "pur-1", "pkg-2000", 2000, 18000, "dashboard", "stripe", null));
        producer.send(paid);
        producer.send(paid);
        producer.send(paid);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == 2500);
        // A later event of the same tenant (same partition) proves the duplicates were consumed, not pending.
        producer.send(EventEnvelope.wrap(EventType.PaymentRefunded, tenant, Instant.now(),
                new PaymentRefunded("pi_three", "re_1", 18000, 2000)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == 500);

        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(ledger.single("select count(*) from ai_credit_transactions t join ai_credit_accounts a on a.id = t.account_id "
                + "where a.tenant_id = ? and t.transaction_type = 'PURCHASE'", tenant)).isEqualTo(1);
        assertThat(ledger.single("select total_purchased from ai_credit_accounts where tenant_id = ?", tenant)).isZero();
        ledger.assertHoldFor(tenant);
    }

    @Test
    void aRefundAfterSpendingTakesBackOnlyTheUnspentCredits() throws Exception {
        String tenant = newTenant();
        open(tenant);
        producer.send(EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(),
                new PaymentSucceeded("pi_spent", "pur-2", "pkg-500", 500, 5000, "dashboard", "stripe", null)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == 1000);
        String hold = reserve(tenant, 700, "spend").then().statusCode(200).extract().path("holdId");
        capture(hold, 700, "spend-cap").then().statusCode(200); // 500 free + 200 purchased
        producer.send(EventEnvelope.wrap(EventType.PaymentRefunded, tenant, Instant.now(),
                new PaymentRefunded("pi_spent", "re_2", 5000, 500)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == 0);
        new LedgerInvariants(db).assertHoldFor(tenant);
    }

    @Test
    void lowBalanceAndAutoPurchaseAreAnnouncedOncePerCrossing() throws Exception {
        String tenant = newTenant();
        open(tenant);
        // The package as billing's catalogue answers it when the settings are saved (system-tests save them for real).
        ledger.submit(new LedgerOp.SetAutoPurchase(tenant, "admin-1", true, 60, AutoPurchaseMode.FIXED, "pkg-500", 500,
                5500L, null, null, null)).await().atMost(Duration.ofSeconds(10));
        try (EventRecorder events = EventRecorder.start(kafka, Topics.CREDIT_EVENTS)) {
            spend(tenant, 445, "s1"); // 55 left: auto-purchase threshold 60 crossed, not yet low
            spend(tenant, 10, "s2"); // 45: WARNING; auto-purchase already in flight
            spend(tenant, 40, "s3"); // 5: CRITICAL
            spend(tenant, 1, "s4"); // 4: nothing new
            List<EventEnvelope> auto = events.awaitEnvelopes(e -> e.tenantId().equals(tenant)
                    && e.type().equals("AutoPurchaseRequested"), 1, Duration.ofSeconds(20));
            events.awaitEnvelopes(e -> e.tenantId().equals(tenant) && e.type().equals("BalanceLow"), 2, Duration.ofSeconds(20));
            AutoPurchaseRequested request = auto.get(0).dataAs(EventType.AutoPurchaseRequested, AutoPurchaseRequested.class);
            assertThat(request.available()).isEqualTo(55);
            assertThat(request.packageId()).isEqualTo("pkg-500");

            // The purchase fails: the request is settled (the next use may ask again); a manual purchase lifts the
            // balance above the threshold, and the next crossing asks again.
            producer.send(EventEnvelope.wrap(EventType.PaymentFailed, tenant, Instant.now(), new PaymentFailed(null, "pur-f",
                    "pkg-500", 5500, "auto_purchase", "stored_card", "card_declined", request.requestId())));
            producer.send(EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(), new PaymentSucceeded(
                    "pi_manual", "pur-m", "pkg-500", 500, 5000, "dashboard", "stripe", null)));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == 504);
            spend(tenant, 460, "s5"); // 44: crosses the re-armed threshold again, and WARNING again
            events.awaitEnvelopes(e -> e.tenantId().equals(tenant) && e.type().equals("AutoPurchaseRequested"), 2,
                    Duration.ofSeconds(20));
            events.awaitEnvelopes(e -> e.tenantId().equals(tenant) && e.type().equals("BalanceLow"), 3, Duration.ofSeconds(20));

            List<String> severities = events.envelopes().stream()
                    .filter(e -> e.tenantId().equals(tenant) && e.type().equals("BalanceLow"))
                    .map(e -> e.dataAs(EventType.BalanceLow, BalanceLow.class).severity()).toList();
            assertThat(severities).containsExactly("WARNING", "CRITICAL", "WARNING");
            assertThat(events.envelopes().stream().filter(e -> e.tenantId().equals(tenant)
                    && e.type().equals("AutoPurchaseRequested")).count()).isEqualTo(2);
        }
    }

    @Test
    void anUpgradeGrantsTheProratedDifferenceAtOnceAndADowngradeWaitsForTheReset() throws Exception {
        clock.set(Instant.parse("2026-11-15T15:00:00Z")); // 16 November 00:00 JST: 15 of 30 days left
        String tenant = newTenant();
        open(tenant);
        producer.send(EventEnvelope.wrap(EventType.PlanChanged, tenant, Instant.now(),
                new PlanChanged("ESSENTIAL", "PROFESSIONAL", Instant.parse("2026-11-15T15:00:00Z"), "sub_1")));
        // (2,000 - 500) × 15/30 = 750 more free credits now
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> LedgerApi.available(tenant) == 1250);
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance").then()
                .body("account.planType", org.hamcrest.Matchers.equalTo("PROFESSIONAL"))
                .body("balance.monthlyFreeCredits", org.hamcrest.Matchers.equalTo(2000));

        producer.send(EventEnvelope.wrap(EventType.PlanChanged, tenant, Instant.now(),
                new PlanChanged("PROFESSIONAL", "ESSENTIAL", Instant.parse("2026-11-16T00:00:00Z"), "sub_1")));
        LedgerInvariants ledger = new LedgerInvariants(db);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ledger.column(
                "select 1 from ai_credit_accounts where tenant_id = ? and pending_plan_type = 'ESSENTIAL'", tenant).size() == 1);
        assertThat(LedgerApi.available(tenant)).isEqualTo(1250);
        ledger.assertHoldFor(tenant);
    }

    private static void spend(String tenant, long credits, String key) {
        String hold = reserve(tenant, credits, key).then().statusCode(200).extract().path("holdId");
        capture(hold, credits, key + "-cap").then().statusCode(200);
    }
}
