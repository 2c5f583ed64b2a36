package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.capture;
import static io.hotelcrm.credit.LedgerApi.charge;
import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.release;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.contracts.credit.UsageRecorded;
import io.hotelcrm.testsupport.EventRecorder;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class HoldResourceTest {

    @Inject
    AgroalDataSource db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void reserveThenCaptureChargesTheActualCostAndReleasesTheRest() throws Exception {
        String tenant = newTenant();
        open(tenant);
        try (EventRecorder events = EventRecorder.start(kafka, Topics.CREDIT_EVENTS)) {
            String holdId = reserve(tenant, 10, "exe-1").then().statusCode(200)
                    .body("status", equalTo("PENDING")).body("amount", equalTo(10)).body("available", equalTo(490))
                    .extract().path("holdId");
            assertThat(LedgerApi.available(tenant)).isEqualTo(490);

            capture(holdId, 7, "cap-1").then().statusCode(200)
                    .body("capturedAmount", equalTo(7)).body("releasedAmount", equalTo(3))
                    .body("balanceAfter", equalTo(493)).body("available", equalTo(493))
                    .body("costPerCreditYen", equalTo(10)).body("totalCostYen", equalTo(70));

            given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance").then().statusCode(200)
                    .body("balance.currentBalance", equalTo(493)).body("balance.usedThisMonth", equalTo(7))
                    .body("usage.topFunctions[0].functionType", equalTo("CHATBOT"))
                    .body("usage.topFunctions[0].creditsUsed", equalTo(7));

            var usage = events.awaitEnvelopes(e -> e.tenantId().equals(tenant) && e.type().equals("UsageRecorded"), 1,
                    Duration.ofSeconds(20));
            UsageRecorded recorded = usage.get(0).dataAs(EventType.UsageRecorded, UsageRecorded.class);
            assertThat(recorded.credits()).isEqualTo(7);
            assertThat(recorded.availableAfter()).isEqualTo(493);
        }
        new LedgerInvariants(db).assertHoldFor(tenant);
    }

    @Test
    void everyMutationRepeatedWithItsKeyChangesNothingAndAnswersTheFirstResult() throws Exception {
        String tenant = newTenant();
        open(tenant);
        String holdId = reserve(tenant, 20, "exe-2").then().statusCode(200).extract().path("holdId");
        reserve(tenant, 20, "exe-2").then().statusCode(200).body("holdId", equalTo(holdId)).body("available", equalTo(480));
        assertThat(LedgerApi.available(tenant)).isEqualTo(480);
        reserve(tenant, 21, "exe-2").then().statusCode(409).body("code", equalTo("IDEMPOTENCY_CONFLICT"));

        String tx = capture(holdId, 15, "cap-2").then().statusCode(200).extract().path("transactionId");
        capture(holdId, 15, "cap-2").then().statusCode(200).body("transactionId", equalTo(tx))
                .body("balanceAfter", equalTo(485));
        capture(holdId, 16, "cap-2").then().statusCode(409).body("code", equalTo("IDEMPOTENCY_CONFLICT"));
        capture(holdId, 15, "cap-other").then().statusCode(409).body("code", equalTo("HOLD_NOT_PENDING"));
        // a caller that lost its capture's answer learns from the refusal what the ledger charged
        release(holdId).then().statusCode(409).body("code", equalTo("HOLD_NOT_PENDING"))
                .body("holdStatus", equalTo("CAPTURED")).body("capturedCredits", equalTo(15));
        assertThat(LedgerApi.available(tenant)).isEqualTo(485);

        String second = reserve(tenant, 5, "exe-3").then().statusCode(200).extract().path("holdId");
        release(second).then().statusCode(200).body("status", equalTo("RELEASED")).body("available", equalTo(485));
        release(second).then().statusCode(200).body("status", equalTo("RELEASED")).body("available", equalTo(485));
        capture(second, 1, "cap-3").then().statusCode(409).body("code", equalTo("HOLD_NOT_PENDING"))
                .body("holdStatus", equalTo("RELEASED")).body("capturedCredits", nullValue());

        LedgerApi.grant(tenant, "BONUS", 50, "bonus-1", null).then().statusCode(200).body("balanceAfter", equalTo(535));
        LedgerApi.grant(tenant, "BONUS", 50, "bonus-1", null).then().statusCode(200).body("balanceAfter", equalTo(535));
        LedgerApi.grant(tenant, "BONUS", 51, "bonus-1", null).then().statusCode(409).body("code", equalTo("IDEMPOTENCY_CONFLICT"));
        assertThat(LedgerApi.available(tenant)).isEqualTo(535);
        new LedgerInvariants(db).assertHoldFor(tenant);
    }

    @Test
    void aChargeIsAReserveAndItsCaptureInOneAndEachPartReplaysIt() throws Exception {
        String tenant = newTenant();
        open(tenant);
        LedgerInvariants ledger = new LedgerInvariants(db);
        String tx = charge(tenant, 10, 4, "exe-charge").then().statusCode(200)
                .body("capturedAmount", equalTo(4)).body("releasedAmount", equalTo(6))
                .body("balanceAfter", equalTo(496)).body("available", equalTo(496)).body("totalCostYen", equalTo(40))
                .extract().path("transactionId");
        String holdId = charge(tenant, 10, 4, "exe-charge").then().statusCode(200)
                .body("transactionId", equalTo(tx)).body("available", equalTo(496)).extract().path("holdId");
        assertThat(LedgerApi.available(tenant)).isEqualTo(496);
        // the parts answer what the charge did: the reservation its hold, the capture its entry, a release the charge
        reserve(tenant, 10, "exe-charge").then().statusCode(200).body("holdId", equalTo(holdId));
        capture(holdId, 4, "exe-charge:capture").then().statusCode(200).body("transactionId", equalTo(tx));
        release(holdId).then().statusCode(409).body("code", equalTo("HOLD_NOT_PENDING"))
                .body("holdStatus", equalTo("CAPTURED")).body("capturedCredits", equalTo(4));
        charge(tenant, 10, 5, "exe-charge").then().statusCode(409).body("code", equalTo("IDEMPOTENCY_CONFLICT"));
        assertThat(ledger.single("select count(*) from credit_holds h join ai_credit_accounts a on a.id = h.account_id "
                + "where a.tenant_id = ? and h.status = 'CAPTURED' and h.captured_amount = 4 and h.resolve_available_after = 496",
                tenant)).isEqualTo(1L);

        // Refused as a reservation or a capture would be, writing nothing.
        long holds = ledger.rows("credit_holds");
        long txs = ledger.rows("ai_credit_transactions");
        charge(tenant, 497, 1, "exe-too-much").then().statusCode(402).body("code", equalTo("INSUFFICIENT_CREDITS"))
                .body("required", equalTo(497)).body("available", equalTo(496));
        charge(tenant, 5, 6, "exe-above").then().statusCode(400).body("code", equalTo("CAPTURE_EXCEEDS_HOLD"));
        charge(tenant, 5, 0, "exe-zero").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(LedgerApi.SERVICE).contentType(ContentType.JSON)
                .body(Map.of("hold", Map.of("tenantId", tenant, "amount", 5, "functionType", "CHATBOT",
                        "idempotencyKey", "exe-no-capture")))
                .post("/internal/v1/holds/charge").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .body(Map.of("hold", Map.of("tenantId", tenant, "amount", 5, "functionType", "CHATBOT",
                        "idempotencyKey", "exe-staff"), "capture", Map.of("amount", 1, "idempotencyKey", "exe-staff:c")))
                .post("/internal/v1/holds/charge").then().statusCode(403);
        assertThat(ledger.rows("credit_holds")).isEqualTo(holds);
        assertThat(ledger.rows("ai_credit_transactions")).isEqualTo(txs);
        assertThat(LedgerApi.available(tenant)).isEqualTo(496);
        ledger.assertHoldFor(tenant);
    }

    @Test
    void reservingMoreThanIsAvailableIs402WithTheGuidesMessage() {
        String tenant = newTenant();
        open(tenant);
        reserve(tenant, 501, "too-much").then().statusCode(402).contentType("application/problem+json")
                .body("code", equalTo("INSUFFICIENT_CREDITS"))
                .body("title", equalTo("クレジット残高不足"))
                .body("detail", equalTo("チャットボット機能の実行には501クレジットが必要です"))
                .body("required", equalTo(501)).body("available", equalTo(500));
    }

    @Test
    void badInputGetsAProblemAndWritesNoRow() throws Exception {
        String tenant = newTenant();
        open(tenant);
        String holdId = reserve(tenant, 10, "exe-bad").then().statusCode(200).extract().path("holdId");
        LedgerInvariants ledger = new LedgerInvariants(db);
        long holds = ledger.rows("credit_holds");
        long txs = ledger.rows("ai_credit_transactions");
        long outbox = ledger.rows("outbox_event");

        reserve(tenant, 0, "zero").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"))
                .body("violations[0].field", equalTo("amount"));
        reserve(tenant, -5, "negative").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        reserve(tenant, 5, "bad key with spaces").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(LedgerApi.SERVICE).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 5, "functionType", "TELEPATHY", "idempotencyKey", "k"))
                .post("/internal/v1/holds").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(LedgerApi.SERVICE).contentType(ContentType.JSON).body("{\"tenantId\": ")
                .post("/internal/v1/holds").then().statusCode(400).body("code", equalTo("MALFORMED_REQUEST"));
        given().auth().oauth2(LedgerApi.SERVICE).contentType(ContentType.JSON)
                .body("{\"tenantId\":\"" + tenant + "\",\"amount\":\"lots\",\"functionType\":\"CHATBOT\",\"idempotencyKey\":\"k\"}")
                .post("/internal/v1/holds").then().statusCode(400).body("code", equalTo("MALFORMED_REQUEST"));
        capture(UUID.randomUUID().toString(), 1, "c").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        capture("not-a-uuid", 1, "c").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        capture(holdId, 11, "c-above").then().statusCode(400).body("code", equalTo("CAPTURE_EXCEEDS_HOLD"));
        capture(holdId, 0, "c-zero").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 5, "functionType", "CHATBOT", "idempotencyKey", "k"))
                .post("/internal/v1/holds").then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON).body(Map.of("amount", 1, "idempotencyKey", "x"))
                .post("/internal/v1/holds/" + holdId + "/capture").then().statusCode(403);
        LedgerApi.grant(tenant, "BONUS", 0, "g0", null).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        LedgerApi.grant(tenant, "MONTHLY_FREE", 10, "g1", null).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));

        assertThat(ledger.rows("credit_holds")).isEqualTo(holds);
        assertThat(ledger.rows("ai_credit_transactions")).isEqualTo(txs);
        assertThat(ledger.rows("outbox_event")).isEqualTo(outbox);

        release(holdId).then().statusCode(200);
        capture(holdId, 1, "c-released").then().statusCode(409).body("code", equalTo("HOLD_NOT_PENDING"));
        assertThat(ledger.rows("ai_credit_transactions")).isEqualTo(txs);
    }

    @Test
    void aHoldNobodyResolvesExpiresAndGivesTheCreditsBack() throws Exception {
        String tenant = newTenant();
        open(tenant);
        String holdId = reserve(tenant, 30, "dies-after-reserving", 1).then().statusCode(200)
                .body("available", equalTo(470)).extract().path("holdId");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> LedgerApi.available(tenant) == 500);
        assertThat(new LedgerInvariants(db).single("select count(*) from credit_holds where id = ? and status = 'EXPIRED'",
                UUID.fromString(holdId))).isEqualTo(1);
        capture(holdId, 10, "too-late").then().statusCode(409).body("code", equalTo("HOLD_NOT_PENDING"));
        new LedgerInvariants(db).assertHoldFor(tenant);
    }
}
