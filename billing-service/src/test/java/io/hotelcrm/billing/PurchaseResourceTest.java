package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.card;
import static io.hotelcrm.billing.BillingApi.invoice;
import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.purchase;
import static io.hotelcrm.billing.BillingApi.status;
import static io.hotelcrm.billing.BillingApi.stub;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /api/v1/credits/purchase against the Stripe stub, with the real stripe-java client doing the talking. */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class PurchaseResourceTest {

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

    @Test
    void aCardPurchaseChargesTheTaxInclusivePriceInWholeYenAndGrantsOnce() throws Exception {
        String tenant = newTenant();
        JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-500", "pm_card_visa"))
                .then().statusCode(200)
                .body("purchase.packageId", equalTo("pkg-500"))
                .body("purchase.creditsAdded", equalTo(500))
                .body("purchase.priceYen", equalTo(5000))
                .body("purchase.taxYen", equalTo(500))
                .body("purchase.totalCost", equalTo(5500))
                .body("payment.paymentStatus", equalTo("completed"))
                .body("payment.paymentIntentId", startsWith("pi_"))
                .extract().jsonPath();
        String pi = answer.getString("payment.paymentIntentId");

        JsonNode sent = stub().requests("POST", "/v1/payment_intents").stream()
                .filter(r -> r.params().path("metadata").path("tenant_id").asText().equals(tenant)).findFirst().orElseThrow().params();
        assertThat(sent.get("amount").asText()).isEqualTo("5500"); // zero-decimal: ¥5,500 is 5500, not 550000
        assertThat(sent.get("currency").asText()).isEqualTo("jpy");
        assertThat(sent.path("metadata").path("purchase_id").asText()).isEqualTo(answer.getString("purchase.transactionId"));

        // Stripe also sends payment_intent.succeeded for the same payment: it must not grant a second time.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().delivered(e -> isAbout(e, pi)));
        List<String> succeeded = billing.events("PaymentSucceeded", "paymentId", pi);
        assertThat(succeeded).hasSize(1);
        JsonNode data = new com.fasterxml.jackson.databind.ObjectMapper().readTree(succeeded.get(0)).get("data");
        assertThat(data.get("credits").asLong()).isEqualTo(500);
        assertThat(data.get("amountYen").asLong()).isEqualTo(5500);
        assertThat(data.get("source").asText()).isEqualTo("dashboard");
        assertThat(data.get("method").asText()).isEqualTo("stripe");
    }

    @Test
    void threeDSecureReturnsTheClientSecretAndTheWebhookCompletesThePurchase() throws Exception {
        String tenant = newTenant();
        JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-2000", "pm_card_authenticationRequired"))
                .then().statusCode(200)
                .body("payment.paymentStatus", equalTo("requires_action"))
                .body("purchase.totalCost", equalTo(19800))
                .body("purchase.discount.percentage", equalTo(10))
                .body("purchase.discount.amount", equalTo(2000))
                .extract().jsonPath();
        String pi = answer.getString("payment.paymentIntentId");
        assertThat(answer.getString("payment.clientSecret")).startsWith(pi + "_secret_");
        assertThat(billing.events("PaymentSucceeded", "paymentId", pi)).isEmpty();

        stub().completeAuthentication(pi); // the browser finished 3-D Secure; Stripe sends payment_intent.succeeded

        String purchaseId = answer.getString("purchase.transactionId");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status(tenant, purchaseId).equals("completed"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().delivered(e -> isAbout(e, pi)));
        assertThat(billing.events("PaymentSucceeded", "paymentId", pi)).hasSize(1).first().asString()
                .contains("\"amountYen\":19800", "\"credits\":2000");
    }

    @Test
    void anInvoiceWithConsumptionTaxIsSentDueAtMonthEndAndGrantsWhenPaidLater() throws Exception {
        String tenant = newTenant();
        String email = "keiri@" + tenant + ".example.jp";
        JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), invoice("pkg-2000", email))
                .then().statusCode(200)
                .body("payment.paymentStatus", equalTo("pending"))
                .body("payment.invoiceId", startsWith("in_"))
                .extract().jsonPath();
        String invoiceId = answer.getString("payment.invoiceId");
        assertThat(answer.getString("payment.hostedInvoiceUrl")).contains(invoiceId);

        JsonNode invoice = stub().object(invoiceId).orElseThrow();
        assertThat(invoice.get("status").asText()).isEqualTo("open");
        assertThat(invoice.get("collection_method").asText()).isEqualTo("send_invoice");
        assertThat(invoice.get("customer_email").asText()).isEqualTo(email);
        assertThat(invoice.get("subtotal").asLong()).isEqualTo(18000);
        assertThat(invoice.get("total_taxes").get(0).get("amount").asLong()).isEqualTo(1800);
        assertThat(invoice.get("total").asLong()).isEqualTo(19800);
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        Instant monthEnd = YearMonth.now(tokyo).atEndOfMonth().atTime(LocalTime.of(23, 59, 59)).atZone(tokyo).toInstant();
        assertThat(invoice.get("due_date").asLong()).isEqualTo(monthEnd.getEpochSecond());
        assertThat(stub().events("invoice.sent", invoiceId)).hasSize(1);
        assertThat(billing.events("PaymentSucceeded", "paymentId", invoiceId)).isEmpty();

        stub().payInvoice(invoiceId); // paid by bank transfer a day later

        String purchaseId = answer.getString("purchase.transactionId");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status(tenant, purchaseId).equals("completed"));
        assertThat(billing.events("PaymentSucceeded", "paymentId", invoiceId)).hasSize(1).first().asString()
                .contains("\"amountYen\":19800", "\"method\":\"invoice\"");
    }

    @Test
    void aRetryWithTheSameKeyAnswersTheSamePurchaseAndNeverChargesTwice() throws Exception {
        String tenant = newTenant();
        String key = "k-" + UUID.randomUUID();
        String first = purchase(tenant, key, card("pkg-500", "pm_card_visa")).then().statusCode(200)
                .extract().path("purchase.transactionId");
        String again = purchase(tenant, key, card("pkg-500", "pm_card_visa")).then().statusCode(200)
                .body("payment.paymentStatus", equalTo("completed")).extract().path("purchase.transactionId");

        assertThat(again).isEqualTo(first);
        assertThat(stub().requests("POST", "/v1/payment_intents").stream()
                .filter(r -> r.params().path("metadata").path("tenant_id").asText().equals(tenant))).hasSize(1);
        purchase(tenant, key, card("pkg-2000", "pm_card_visa")).then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("IDEMPOTENCY_CONFLICT"));
        assertThat(billing.count("select count(*) from purchase where tenant_id = ?", tenant)).isEqualTo(1);
    }

    @Test
    void aDeclinedCardFailsWithAJapaneseMessageAndGrantsNothing() throws Exception {
        String tenant = newTenant();
        JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-500", "pm_card_chargeDeclined"))
                .then().statusCode(200)
                .body("payment.paymentStatus", equalTo("failed"))
                .body("payment.errorCode", equalTo("card_declined"))
                .body("payment.errorMessage", equalTo("カードが拒否されました。別のカードをお試しください。"))
                .extract().jsonPath();
        String pi = answer.getString("payment.paymentIntentId");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().delivered(e -> isAbout(e, pi)));
        assertThat(billing.eventsOfTenant(tenant)).containsExactly("PaymentFailed");
    }

    @Test
    void badInputIsAProblemAndStoresNothing() throws Exception {
        String tenant = newTenant();
        purchase(tenant, "k-1", card("pkg-nope", "pm_card_visa")).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"));
        purchase(tenant, "k-2", Map.of("packageId", "pkg-500", "paymentMethod", "bitcoin")).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"));
        purchase(tenant, "k-3", Map.of("packageId", "pkg-500", "paymentMethod", "stripe")).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        purchase(tenant, null, card("pkg-500", "pm_card_visa")).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        purchase(tenant, "k-4", Map.of("packageId", "pkg-500", "paymentMethod", "stored_card")).then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("NO_SAVED_CARD"));
        purchase(tenant, "k-5", Map.of("packageId", "pkg-500", "paymentMethod", "invoice")).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON).header("Idempotency-Key", "k-6")
                .body(card("pkg-500", "pm_card_visa")).post("/api/v1/credits/purchase")
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("FORBIDDEN"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k-7").body(card("pkg-500", "pm_card_visa"))
                .post("/api/v1/credits/purchase").then().statusCode(401).body("code", equalTo("UNAUTHORIZED"));

        assertThat(billing.count("select count(*) from purchase where tenant_id = ?", tenant)).isZero();
        assertThat(billing.count("select count(*) from stripe_customer where tenant_id = ?", tenant)).isZero();
        assertThat(billing.eventsOfTenant(tenant)).isEmpty();
        assertThat(stub().requests().stream().filter(r -> r.params().toString().contains(tenant))).isEmpty();
    }

    @Test
    void purchasesArePagedNewestFirst() {
        String tenant = newTenant();
        for (String pkg : List.of("pkg-500", "pkg-2000", "pkg-10000")) {
            purchase(tenant, "k-" + pkg, card(pkg, "pm_card_visa")).then().statusCode(200);
        }
        JsonPath page = given().auth().oauth2(TestJwt.staff(tenant)).queryParam("limit", 2).get("/api/v1/billing/purchases")
                .then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("items.packageId")).containsExactly("pkg-10000", "pkg-2000");
        assertThat(page.getList("items.amountYen", Integer.class)).containsExactly(88000, 19800);
        given().auth().oauth2(TestJwt.staff(tenant)).queryParam("limit", 2).queryParam("cursor", page.getString("nextCursor"))
                .get("/api/v1/billing/purchases").then().statusCode(200)
                .body("items.packageId", org.hamcrest.Matchers.contains("pkg-500"))
                .body("nextCursor", org.hamcrest.Matchers.nullValue());
        given().auth().oauth2(TestJwt.staff(newTenant())).get("/api/v1/billing/purchases").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
    }

    @Test
    void onePurchaseIsReadByItsIdAndOnlyByItsHotel() {
        String tenant = newTenant();
        String id = purchase(tenant, "k-one", card("pkg-2000", "pm_card_visa")).then().statusCode(200)
                .extract().jsonPath().getString("purchase.transactionId");
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/billing/purchases/" + id).then().statusCode(200)
                .body("transactionId", equalTo(id)).body("packageId", equalTo("pkg-2000")).body("credits", equalTo(2000));
        given().auth().oauth2(TestJwt.staff(newTenant())).get("/api/v1/billing/purchases/" + id).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/billing/purchases/" + java.util.UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/billing/purchases/not-a-uuid").then().statusCode(404);
    }

    static boolean isAbout(JsonNode event, String paymentIntentId) {
        JsonNode object = event.path("data").path("object");
        return object.path("id").asText().equals(paymentIntentId) || object.path("payment_intent").asText().equals(paymentIntentId);
    }

    static StripeStub stripe() {
        return stub();
    }
}
