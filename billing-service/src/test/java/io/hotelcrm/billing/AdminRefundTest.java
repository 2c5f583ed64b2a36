package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.card;
import static io.hotelcrm.billing.BillingApi.invoice;
import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.purchase;
import static io.hotelcrm.billing.BillingApi.refund;
import static io.hotelcrm.billing.BillingApi.refundAs;
import static io.hotelcrm.billing.BillingApi.status;
import static io.hotelcrm.billing.BillingApi.stub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /api/v1/billing/purchases/{id}/refund: Stripe refunds it, charge.refunded takes the credits back. */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class AdminRefundTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    private record Paid(String tenant, String purchaseId, String paymentId) {
    }

    private Paid paidByCard() {
        String tenant = newTenant();
        JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-500", "pm_card_visa")).then().statusCode(200)
                .body("payment.paymentStatus", equalTo("completed")).extract().jsonPath();
        return new Paid(tenant, answer.getString("purchase.transactionId"), answer.getString("payment.paymentIntentId"));
    }

    private Paid paidByInvoice() {
        String tenant = newTenant();
        JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), invoice("pkg-2000", "keiri@" + tenant + ".example.jp"))
                .then().statusCode(200).extract().jsonPath();
        Paid p = new Paid(tenant, answer.getString("purchase.transactionId"), answer.getString("payment.invoiceId"));
        stub().payInvoice(p.paymentId());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status(p.tenant(), p.purchaseId()).equals("completed"));
        return p;
    }

    private List<JsonNode> refunds(String paymentId) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String payload : billing.events("PaymentRefunded", "paymentId", paymentId)) {
            out.add(JSON.readTree(payload).get("data"));
        }
        return out;
    }

    private List<StripeStub.Recorded> stripeRefunds(String purchaseId) {
        return stub().requests("POST", "/v1/refunds").stream()
                .filter(r -> r.params().path("metadata").path("purchase_id").asText().equals(purchaseId)).toList();
    }

    @Test
    void aFullRefundIsMadeAtStripeAndTheCreditsComeBackOutOnce() throws Exception {
        Paid p = paidByCard();
        JsonPath answer = refund(p.tenant(), p.purchaseId(), "r-" + UUID.randomUUID(), null).then().statusCode(200)
                .body("status", equalTo("succeeded")).body("amountYen", equalTo(5500)).body("credits", equalTo(500))
                .body("purchaseId", equalTo(p.purchaseId())).body("stripeRefundId", startsWith("re_"))
                .extract().jsonPath();

        List<StripeStub.Recorded> calls = stripeRefunds(p.purchaseId());
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).idempotencyKey()).isEqualTo("refund-" + answer.getString("refundId"));
        assertThat(calls.get(0).params().path("payment_intent").asText()).isEqualTo(p.paymentId());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> refunds(p.paymentId()).size() == 1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        List<JsonNode> refunds = refunds(p.paymentId());
        assertThat(refunds).hasSize(1);
        assertThat(refunds.get(0).get("amountYen").asLong()).isEqualTo(5500);
        assertThat(refunds.get(0).get("credits").asLong()).isEqualTo(500);

        // Nothing is left to refund: a second request is refused and asks Stripe nothing.
        refund(p.tenant(), p.purchaseId(), "r-" + UUID.randomUUID(), null).then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("REFUND_EXCEEDS_REFUNDABLE"))
                .body("refundableYen", equalTo(0));
        assertThat(stripeRefunds(p.purchaseId())).hasSize(1);
    }

    @Test
    void partialRefundsOfAnInvoiceByCreditsAndByYenThenTheRest() throws Exception {
        Paid p = paidByInvoice();
        refund(p.tenant(), p.purchaseId(), "r-" + UUID.randomUUID(), Map.of("credits", 100)).then().statusCode(200)
                .body("status", equalTo("succeeded")).body("amountYen", equalTo(990)).body("credits", equalTo(100));
        refund(p.tenant(), p.purchaseId(), "r-" + UUID.randomUUID(), Map.of("amountYen", 1980)).then().statusCode(200)
                .body("amountYen", equalTo(1980)).body("credits", equalTo(200));
        // The rest, at once: sized by what Stripe has left on the charge, whether or not our webhooks came yet.
        refund(p.tenant(), p.purchaseId(), "r-" + UUID.randomUUID(), null).then().statusCode(200)
                .body("amountYen", equalTo(19800 - 990 - 1980));

        assertThat(stripeRefunds(p.purchaseId())).allSatisfy(r ->
                assertThat(r.params().path("payment_intent").asText()).isEqualTo(stub().invoicePaymentIntent(p.paymentId())));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> refunds(p.paymentId()).size() == 3);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        List<JsonNode> refunds = refunds(p.paymentId());
        assertThat(refunds).extracting(r -> r.get("amountYen").asLong()).containsExactly(990L, 1980L, 16830L);
        assertThat(refunds).extracting(r -> r.get("credits").asLong()).containsExactly(100L, 200L, 1700L);
    }

    @Test
    void theSameKeyAnswersTheSameRefundAndAnotherBodyUnderItIsAConflict() throws Exception {
        Paid p = paidByCard();
        String key = "r-" + UUID.randomUUID();
        String first = refund(p.tenant(), p.purchaseId(), key, Map.of("credits", 100)).then().statusCode(200)
                .extract().path("refundId");
        String again = refund(p.tenant(), p.purchaseId(), key, Map.of("credits", 100)).then().statusCode(200)
                .body("amountYen", equalTo(1100)).extract().path("refundId");
        assertThat(again).isEqualTo(first);
        assertThat(stripeRefunds(p.purchaseId())).hasSize(1);

        refund(p.tenant(), p.purchaseId(), key, Map.of("credits", 200)).then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("IDEMPOTENCY_CONFLICT"));
        refund(p.tenant(), p.purchaseId(), key, null).then().statusCode(409).body("code", equalTo("IDEMPOTENCY_CONFLICT"));
        assertThat(stripeRefunds(p.purchaseId())).hasSize(1);
        assertThat(billing.count("select count(*) from refund_request where purchase_id = ?::uuid", p.purchaseId())).isEqualTo(1);

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> refunds(p.paymentId()).size() == 1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        assertThat(refunds(p.paymentId())).hasSize(1);
    }

    @Test
    void badInputIsAProblemAndChangesNothing() throws Exception {
        Paid p = paidByCard();
        String unpaidTenant = newTenant();
        String unpaid = purchase(unpaidTenant, "k-" + UUID.randomUUID(), invoice("pkg-500", "keiri@" + unpaidTenant + ".example.jp"))
                .then().statusCode(200).extract().path("purchase.transactionId");
        long stripeCallsBefore = stub().requests("POST", "/v1/refunds").size();

        refund(p.tenant(), UUID.randomUUID().toString(), "r-" + UUID.randomUUID(), null).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        refund(newTenant(), p.purchaseId(), "r-" + UUID.randomUUID(), null).then().statusCode(404)
                .body("code", equalTo("NOT_FOUND")); // another hotel's purchase
        refund(unpaidTenant, unpaid, "r-" + UUID.randomUUID(), null).then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("PURCHASE_NOT_PAID"));
        refund(p.tenant(), p.purchaseId(), "r-" + UUID.randomUUID(), Map.of("amountYen", 5501)).then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("REFUND_EXCEEDS_REFUNDABLE"))
                .body("refundableYen", equalTo(5500));
        refund(p.tenant(), p.purchaseId(), "r-" + UUID.randomUUID(), Map.of("credits", 501)).then().statusCode(409)
                .body("code", equalTo("REFUND_EXCEEDS_REFUNDABLE"));
        refund(p.tenant(), p.purchaseId(), "r-" + UUID.randomUUID(), Map.of("credits", 10, "amountYen", 110)).then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"));
        refund(p.tenant(), p.purchaseId(), "r-" + UUID.randomUUID(), Map.of("amountYen", 0)).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        refund(p.tenant(), p.purchaseId(), null, null).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));

        assertThat(stub().requests("POST", "/v1/refunds")).hasSize((int) stripeCallsBefore);
        assertThat(billing.count("select count(*) from refund_request where purchase_id in (?::uuid, ?::uuid)",
                p.purchaseId(), unpaid)).isZero();
        assertThat(billing.strings("select refunded_yen::text from purchase where id = ?::uuid", p.purchaseId()))
                .containsExactly("0");
        assertThat(refunds(p.paymentId())).isEmpty();
    }

    @Test
    void theEndpointIsDocumentedInOpenApi() {
        JsonPath doc = io.restassured.RestAssured.given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().jsonPath();
        Map<String, Object> post = doc.getMap("paths.'/api/v1/billing/purchases/{id}/refund'.post");
        assertThat(post).containsKeys("summary", "requestBody", "responses");
        assertThat(doc.getString("paths.'/api/v1/billing/purchases/{id}/refund'.post.requestBody.content.'application/json'"
                + ".schema.$ref")).endsWith("/RefundRequest");
        assertThat(doc.getMap("paths.'/api/v1/billing/purchases/{id}/refund'.post.responses")).containsKeys("200", "404", "409");
        assertThat(doc.getMap("components.schemas.RefundRequest.properties")).containsKeys("credits", "amountYen");
    }

    @Test
    void staffMayNotRefund() throws Exception {
        Paid p = paidByCard();
        refundAs(TestJwt.staff(p.tenant()), p.purchaseId(), "r-" + UUID.randomUUID(), null).then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("FORBIDDEN"));
        assertThat(stripeRefunds(p.purchaseId())).isEmpty();
        assertThat(billing.count("select count(*) from refund_request where purchase_id = ?::uuid", p.purchaseId())).isZero();
    }
}
