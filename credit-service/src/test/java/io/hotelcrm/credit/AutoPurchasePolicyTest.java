package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.capture;
import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.contracts.credit.AutoPurchaseSuspended;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Auto top-up against the real ledger and broker: what it requests on each crossing, the monthly cap, the repeat
 * and release of an unanswered request, turning itself off after three failures, and saving that starts afresh.
 * Settings go straight to the ledger with the package as billing's catalogue would have answered (the catalogue
 * check at save time runs against the real billing-service in system-tests' BillingFlowIT).
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class AutoPurchasePolicyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;
    @Inject
    AgroalDataSource db;
    @Inject
    MutableClock clock;
    @Inject
    Ledger ledger;

    TestEventProducer producer;
    EventRecorder events;

    @BeforeEach
    void connect() {
        producer = new TestEventProducer(kafka);
        events = EventRecorder.start(kafka, Topics.CREDIT_EVENTS);
    }

    @AfterEach
    void disconnect() throws Exception {
        events.close();
        producer.close();
        clock.reset();
    }

    @Test
    void aFixedPurchaseThatLeavesTheBalanceBelowTheThresholdIsMadeAgainOnTheNextUse() throws Exception {
        String tenant = newTenant();
        open(tenant); // 500 free credits
        save(tenant, AutoPurchaseMode.FIXED, 1000, 100, 1100L, null, null, null);
        spend(tenant, 10, "a"); // 490: at or below 1000
        AutoPurchaseRequested first = requests(tenant, 1).get(0);
        assertThat(first.credits()).isEqualTo(100);
        assertThat(first.quantity()).isEqualTo(1);
        assertThat(first.maxAmountYen()).isEqualTo(1100);
        assertThat(first.attempt()).isEqualTo(1);

        spend(tenant, 10, "b"); // in flight: no second request for this crossing
        paid(tenant, first, "pi_fixed_1"); // 580 after the grant: still below the threshold
        Awaitility.await().atMost(WAIT).until(() -> LedgerApi.available(tenant) == 580);
        spend(tenant, 10, "c");
        List<AutoPurchaseRequested> both = requests(tenant, 2);
        assertThat(both.get(1).requestId()).isNotEqualTo(first.requestId());
        assertThat(both.get(1).available()).isEqualTo(570);
    }

    @Test
    void aTopUpBuysEnoughPackagesForTheTargetWithinTheMonthlyCapAndTheCapStopIsAnnouncedOnce() throws Exception {
        String tenant = newTenant();
        open(tenant);
        // Target 1,000 from 50 needs 4 packages of 300; the 900-credit cap leaves room for 3.
        save(tenant, AutoPurchaseMode.TOP_UP, 100, 300, 3300L, 1000L, 900L, null);
        spend(tenant, 450, "a");
        AutoPurchaseRequested request = requests(tenant, 1).get(0);
        assertThat(request.mode()).isEqualTo("TOP_UP");
        assertThat(request.quantity()).isEqualTo(3);
        assertThat(request.credits()).isEqualTo(900);
        assertThat(request.maxAmountYen()).isEqualTo(9900);

        paid(tenant, request, "pi_topup_1");
        Awaitility.await().atMost(WAIT).until(() -> LedgerApi.available(tenant) == 950);
        spend(tenant, 900, "b"); // 50 again: the cap has no room left this month
        AutoPurchaseSuspended stop = suspensions(tenant, 1).get(0);
        assertThat(stop.reason()).isEqualTo("MONTHLY_CAP_REACHED");
        assertThat(stop.disabled()).isFalse();
        assertThat(stop.capCredits()).isEqualTo(900);
        assertThat(stop.spentCredits()).isEqualTo(900);
        spend(tenant, 1, "c");
        spend(tenant, 1, "d");
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance").then().statusCode(200)
                .body("autoPurchase.mode", equalTo("TOP_UP"))
                .body("autoPurchase.state.requestInFlight", equalTo(false))
                .body("autoPurchase.state.creditsThisMonth", equalTo(900))
                .body("autoPurchase.state.yenThisMonth", equalTo(9900));
        assertThat(text("select auto_purchase_cap_notified from ai_credit_accounts where tenant_id = ?", tenant))
                .isNotNull();
        // A later event of the tenant proves the two spends above announced nothing more.
        save(tenant, AutoPurchaseMode.TOP_UP, 100, 300, 3300L, 1000L, 1800L, null);
        spend(tenant, 1, "e");
        requests(tenant, 2);
        assertThat(events.envelopes().stream().filter(e -> e.tenantId().equals(tenant)
                && e.type().equals(EventType.AutoPurchaseSuspended.name())).count()).isEqualTo(1);
    }

    @Test
    void anUnansweredRequestIsSentAgainWithTheSameIdAndThenReleased() throws Exception {
        String tenant = newTenant();
        open(tenant);
        save(tenant, AutoPurchaseMode.FIXED, 100, 500, 5500L, null, null, null);
        spend(tenant, 450, "a");
        AutoPurchaseRequested first = requests(tenant, 1).get(0);

        Instant now = Instant.now();
        for (int attempt = 2; attempt <= 3; attempt++) {
            now = now.plus(Duration.ofMinutes(11)); // past the 10-minute answer timeout
            clock.set(now);
            AutoPurchaseRequested again = requests(tenant, attempt).get(attempt - 1);
            assertThat(again.requestId()).isEqualTo(first.requestId());
            assertThat(again.attempt()).isEqualTo(attempt);
            assertThat(again.credits()).isEqualTo(first.credits());
        }
        clock.set(now.plus(Duration.ofMinutes(11)));
        AutoPurchaseSuspended released = suspensions(tenant, 1).get(0);
        assertThat(released.reason()).isEqualTo("NO_ANSWER");
        assertThat(released.requestId()).isEqualTo(first.requestId());
        assertThat(released.consecutiveFailures()).isEqualTo(1);
        assertThat(released.lastFailureReason()).isEqualTo("no_answer");

        spend(tenant, 1, "b"); // released: the next use may ask again, with a new id
        AutoPurchaseRequested next = requests(tenant, 4).get(3);
        assertThat(next.requestId()).isNotEqualTo(first.requestId());
        assertThat(next.attempt()).isEqualTo(1);
    }

    @Test
    void threeFailuresInARowTurnItOffAndGiveTheirCapBack() throws Exception {
        String tenant = newTenant();
        open(tenant);
        save(tenant, AutoPurchaseMode.FIXED, 100, 500, 5500L, null, 5000L, null);
        spend(tenant, 450, "s0");
        for (int i = 1; i <= 3; i++) {
            AutoPurchaseRequested request = requests(tenant, i).get(i - 1);
            declined(tenant, request);
            int failures = i;
            Awaitility.await().atMost(WAIT).until(() -> number("select auto_purchase_failures from ai_credit_accounts "
                    + "where tenant_id = ?", tenant) == failures);
            spend(tenant, 1, "s" + i);
        }
        AutoPurchaseSuspended off = suspensions(tenant, 1).get(0);
        assertThat(off.reason()).isEqualTo("CONSECUTIVE_FAILURES");
        assertThat(off.disabled()).isTrue();
        assertThat(off.consecutiveFailures()).isEqualTo(3);
        assertThat(off.lastFailureReason()).isEqualTo("card_declined");
        // Off: the spend after the third failure asked for nothing.
        assertThat(text("select auto_purchase_request_id from ai_credit_accounts where tenant_id = ?", tenant)).isNull();
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance").then().statusCode(200)
                .body("autoPurchase.enabled", equalTo(false))
                .body("autoPurchase.state.consecutiveFailures", equalTo(3))
                .body("autoPurchase.state.lastFailure", equalTo("card_declined"))
                .body("autoPurchase.state.creditsThisMonth", equalTo(0));
    }

    @Test
    void savingTheSettingsReleasesARequestInFlightAndALateAnswerStillGrantsWhatWasPaid() throws Exception {
        String tenant = newTenant();
        open(tenant);
        save(tenant, AutoPurchaseMode.FIXED, 100, 500, 5500L, null, null, null);
        spend(tenant, 450, "a");
        AutoPurchaseRequested lost = requests(tenant, 1).get(0);

        save(tenant, AutoPurchaseMode.FIXED, 100, 500, 5500L, null, null, null);
        assertThat(text("select auto_purchase_request_id from ai_credit_accounts where tenant_id = ?", tenant)).isNull();
        spend(tenant, 1, "b");
        AutoPurchaseRequested fresh = requests(tenant, 2).get(1);
        assertThat(fresh.requestId()).isNotEqualTo(lost.requestId());

        paid(tenant, lost, "pi_late"); // the released request was charged after all: its credits are the hotel's
        Awaitility.await().atMost(WAIT).until(() -> LedgerApi.available(tenant) == 549);
        assertThat(text("select auto_purchase_request_id from ai_credit_accounts where tenant_id = ?", tenant))
                .isEqualTo(fresh.requestId());
        new LedgerInvariants(db).assertHoldFor(tenant);
    }

    private void save(String tenant, AutoPurchaseMode mode, long threshold, long packageCredits, Long packageYen,
                      Long target, Long capCredits, Long capYen) {
        ledger.submit(new LedgerOp.SetAutoPurchase(tenant, "admin-1", true, threshold, mode, "pkg-" + packageCredits,
                packageCredits, packageYen, target, capCredits, capYen)).await().atMost(WAIT);
    }

    private void paid(String tenant, AutoPurchaseRequested request, String paymentId) {
        producer.send(EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(), new PaymentSucceeded(
                paymentId, "pur-" + paymentId, request.packageId(), request.credits(), request.maxAmountYen(),
                "auto_purchase", "stored_card", request.requestId())));
    }

    private void declined(String tenant, AutoPurchaseRequested request) {
        producer.send(EventEnvelope.wrap(EventType.PaymentFailed, tenant, Instant.now(), new PaymentFailed(null,
                "pur-" + request.requestId(), request.packageId(), request.maxAmountYen(), "auto_purchase",
                "stored_card", "card_declined", request.requestId())));
    }

    private List<AutoPurchaseRequested> requests(String tenant, int count) {
        return events.awaitEnvelopes(e -> e.tenantId().equals(tenant)
                        && e.type().equals(EventType.AutoPurchaseRequested.name()), count, WAIT).stream()
                .map(e -> e.dataAs(EventType.AutoPurchaseRequested, AutoPurchaseRequested.class)).toList();
    }

    private List<AutoPurchaseSuspended> suspensions(String tenant, int count) {
        return events.awaitEnvelopes(e -> e.tenantId().equals(tenant)
                        && e.type().equals(EventType.AutoPurchaseSuspended.name()), count, WAIT).stream()
                .map(e -> e.dataAs(EventType.AutoPurchaseSuspended, AutoPurchaseSuspended.class)).toList();
    }

    private static void spend(String tenant, long credits, String key) {
        String hold = reserve(tenant, credits, key).then().statusCode(200).extract().path("holdId");
        capture(hold, credits, key + "-cap").then().statusCode(200);
    }

    private String text(String sql, String tenant) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private long number(String sql, String tenant) throws Exception {
        return new LedgerInvariants(db).single(sql, tenant);
    }
}
