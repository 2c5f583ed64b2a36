package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.card;
import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.purchase;
import static io.hotelcrm.billing.BillingApi.refund;
import static io.hotelcrm.billing.BillingApi.stub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, money events: a refund that Stripe first reports succeeded and then failed (the stub's refund-fail card,
 * Stripe's 4000000000005126: charge.refund.updated and refund.failed with status failed) gives its credits back with
 * PaymentRefundFailed for the step that took them, once whatever the deliveries, and the purchase can be refunded
 * again under a new step id.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class RefundFailureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A refund-fail card's refund as our answer may see it: the create call's status, or its failure if that came first. */
    private static final Matcher<String> SUCCEEDED_OR_FAILED = anyOf(equalTo("succeeded"), equalTo("failed"));

    @Inject
    AgroalDataSource db;
    @TestHTTPResource("/webhook/stripe")
    URL webhook;
    BillingApi billing;

    @BeforeEach
    void connect() {
        billing = new BillingApi(db);
        stub().sendWebhooksTo(webhook.toString());
    }

    private List<JsonNode> published(String type, String paymentId) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String payload : billing.events(type, "paymentId", paymentId)) {
            out.add(JSON.readTree(payload).get("data"));
        }
        return out;
    }

    @Test
    void aRefundThatFailsAfterItSucceededGivesItsCreditsBackOnce() throws Exception {
        String tenant = newTenant();
        JsonPath paid = purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-500", "pm_card_refundFail")).then()
                .statusCode(200).body("payment.paymentStatus", equalTo("completed")).extract().jsonPath();
        String purchaseId = paid.getString("purchase.transactionId");
        String pi = paid.getString("payment.paymentIntentId");

        // Stripe answered succeeded; the answer says failed when the stub's refund.failed webhook was recorded first.
        String stripeRefund = refund(tenant, purchaseId, "r-" + UUID.randomUUID(), null).then().statusCode(200)
                .body("status", SUCCEEDED_OR_FAILED).extract().path("stripeRefundId");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> published("PaymentRefundFailed", pi).size() == 1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());

        List<JsonNode> refunded = published("PaymentRefunded", pi);
        assertThat(refunded).hasSize(1);
        assertThat(refunded.get(0).get("credits").asLong()).isEqualTo(500);
        List<JsonNode> failed = published("PaymentRefundFailed", pi);
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).get("refundId").asText()).isEqualTo(stripeRefund);
        assertThat(failed.get(0).get("stepRefundId").asText()).isEqualTo(refunded.get(0).get("refundId").asText());
        assertThat(failed.get(0).get("credits").asLong()).isEqualTo(500);
        assertThat(failed.get(0).get("amountYen").asLong()).isEqualTo(5500);
        assertThat(billing.count("select refunded_yen from purchase where id = ?::uuid", purchaseId)).isZero();
        assertThat(billing.count("select refunded_credits from purchase where id = ?::uuid", purchaseId)).isZero();

        // Stripe retrying both failure events, and the other one of the pair, publishes nothing more.
        List<JsonNode> failures = new ArrayList<>(stub().events("charge.refund.updated", stripeRefund));
        failures.addAll(stub().events("refund.failed", stripeRefund));
        assertThat(failures).hasSize(2);
        for (JsonNode e : failures) {
            assertThat(stub().deliver(e)).isEqualTo(200);
        }
        assertThat(published("PaymentRefundFailed", pi)).hasSize(1);

        // The money is back on the charge: it can be refunded again, as a step of its own (which fails again).
        refund(tenant, purchaseId, "r-" + UUID.randomUUID(), null).then().statusCode(200).body("status", SUCCEEDED_OR_FAILED);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> published("PaymentRefundFailed", pi).size() == 2);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        refunded = published("PaymentRefunded", pi);
        assertThat(refunded).hasSize(2);
        assertThat(refunded.get(1).get("refundId").asText()).isNotEqualTo(refunded.get(0).get("refundId").asText());
        assertThat(refunded.get(1).get("credits").asLong()).isEqualTo(500);
        failed = published("PaymentRefundFailed", pi);
        assertThat(failed.get(1).get("stepRefundId").asText()).isEqualTo(refunded.get(1).get("refundId").asText());
        assertThat(billing.count("select count(*) from refund_failure where purchase_id = ?::uuid", purchaseId))
                .isEqualTo(2);
    }

    /** Credits the purchase's refunds took, less what their failures gave back: from the outbox, as credit-service sees it. */
    private long netCreditsTaken(String pi) throws Exception {
        long taken = 0;
        for (JsonNode e : published("PaymentRefunded", pi)) {
            taken += e.get("credits").asLong();
        }
        for (JsonNode e : published("PaymentRefundFailed", pi)) {
            taken -= e.get("credits").asLong();
        }
        return taken;
    }

    private record Refunded(String tenant, String purchaseId, String pi, List<JsonNode> events) {
    }

    /** A paid refund-fail card purchase whose refunds' webhooks are recorded, not delivered. */
    private Refunded refundedUndelivered(long... amounts) {
        String tenant = newTenant();
        JsonPath paid = purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-500", "pm_card_refundFail")).then()
                .statusCode(200).body("payment.paymentStatus", equalTo("completed")).extract().jsonPath();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        String purchaseId = paid.getString("purchase.transactionId");
        stub().sendWebhooksTo(null);
        int before = stub().events().size();
        for (long yen : amounts) {
            refund(tenant, purchaseId, "r-" + UUID.randomUUID(), Map.of("amountYen", yen)).then().statusCode(200)
                    .body("status", equalTo("succeeded"));
        }
        List<JsonNode> events = new ArrayList<>(stub().events().subList(before, stub().events().size()));
        stub().sendWebhooksTo(webhook.toString());
        return new Refunded(tenant, purchaseId, paid.getString("payment.paymentIntentId"), events);
    }

    private static boolean isFailure(JsonNode e) {
        String type = e.get("type").asText();
        return type.equals("charge.refund.updated") || type.equals("refund.failed");
    }

    @Test
    void aFailureDeliveredBeforeItsRefundStepLeavesTheCreditsWhereTheyWere() throws Exception {
        Refunded r = refundedUndelivered(5500);
        List<JsonNode> failures = r.events().stream().filter(RefundFailureTest::isFailure).toList();
        List<JsonNode> rest = r.events().stream().filter(e -> !isFailure(e)).toList();
        assertThat(failures).hasSize(2);
        for (JsonNode e : failures) {
            assertThat(stub().deliver(e)).isEqualTo(200);
        }
        for (JsonNode e : rest) { // charge.refunded late: Stripe retrying it after our endpoint was down
            assertThat(stub().deliver(e)).isEqualTo(200);
        }
        assertThat(netCreditsTaken(r.pi())).isZero();
        assertThat(published("PaymentRefunded", r.pi())).isEmpty();
        assertThat(billing.strings("select refunded_yen || '/' || refunded_credits from purchase where id = ?::uuid",
                r.purchaseId())).containsExactly("0/0");
        assertThat(billing.count("select count(*) from refund_failure where purchase_id = ?::uuid", r.purchaseId()))
                .isEqualTo(1);
    }

    @Test
    void refundsAndTheirFailuresInAnyOrderEndWithWhatStripeKept() throws Exception {
        Random random = new Random(20261203L);
        for (int round = 0; round < 6; round++) {
            String at = "round " + round;
            // ¥1,100 (100 credits) then ¥2,200 (200 credits); both fail, the second one's failure is not sent yet.
            Refunded r = refundedUndelivered(1100, 2200);
            String second = r.events().stream().filter(e -> e.get("type").asText().equals("refund.created"))
                    .reduce((a, b) -> b).orElseThrow().get("data").get("object").get("id").asText();
            List<JsonNode> later = r.events().stream()
                    .filter(e -> isFailure(e) && e.get("data").get("object").get("id").asText().equals(second)).toList();
            List<JsonNode> now = new ArrayList<>(r.events());
            now.removeAll(later);
            now.addAll(List.copyOf(now)); // every event twice
            Collections.shuffle(now, random);
            for (JsonNode e : now) {
                assertThat(stub().deliver(e)).as(at).isEqualTo(200);
            }
            assertThat(netCreditsTaken(r.pi())).as(at).isEqualTo(200);
            assertThat(billing.strings("select refunded_yen || '/' || refunded_credits from purchase where id = ?::uuid",
                    r.purchaseId())).as(at).containsExactly("2200/200");

            List<JsonNode> failing = new ArrayList<>(later);
            Collections.shuffle(failing, random);
            for (JsonNode e : failing) {
                assertThat(stub().deliver(e)).as(at).isEqualTo(200);
            }
            assertThat(netCreditsTaken(r.pi())).as(at).isZero();
            assertThat(billing.strings("select refunded_yen || '/' || refunded_credits from purchase where id = ?::uuid",
                    r.purchaseId())).as(at).containsExactly("0/0");
        }
    }

    @Test
    void aRefundOfAnOrdinaryCardThatSucceedsGivesNothingBack() throws Exception {
        String tenant = newTenant();
        JsonPath paid = purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-500", "pm_card_visa")).then()
                .statusCode(200).extract().jsonPath();
        String pi = paid.getString("payment.paymentIntentId");
        refund(tenant, paid.getString("purchase.transactionId"), "r-" + UUID.randomUUID(), null).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> published("PaymentRefunded", pi).size() == 1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        assertThat(published("PaymentRefundFailed", pi)).isEmpty();
    }
}
