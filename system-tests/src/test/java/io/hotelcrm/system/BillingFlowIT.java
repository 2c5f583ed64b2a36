package io.hotelcrm.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.testsupport.LocalBroker;
import io.hotelcrm.testsupport.ServiceProcess;
import io.hotelcrm.testsupport.TestJwt;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Buying credits end to end: billing-service and credit-service as real processes (their packaged jars), a
 * Kafka broker of this test's own, and the Stripe stub, which billing's stripe-java talks to and which
 * sends signed webhooks back. Each flow must grant its credits at credit-service exactly once, at the
 * tax-inclusive yen price.
 */
class BillingFlowIT {

    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Duration GRANTED = Duration.ofSeconds(60);

    static LocalBroker kafka;
    static StripeStub stripe;
    static ServiceProcess credit;
    static ServiceProcess billing;

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalBroker.start("billing", 19098);
        stripe = StripeStub.start();
        Path publicKey = Path.of("target/jwt-public-billing.pem");
        Files.writeString(publicKey, TestJwt.publicKeyPem()); // test-only key pair of this JVM
        Map<String, String> billingEnv = ServiceEnv.of("billing-service", kafka, publicKey);
        billingEnv.put("STRIPE_API_BASE", stripe.baseUrl());
        billingEnv.put("STRIPE_API_KEY", StripeStub.TEST_API_KEY);
        billingEnv.put("STRIPE_WEBHOOK_SECRET", stripe.webhookSecret());
        billing = ServiceProcess.start("billing-service", billingEnv);
        Map<String, String> creditEnv = ServiceEnv.of("credit-service", kafka, publicKey);
        creditEnv.put("BILLING_SERVICE_URL", billing.baseUrl()); // auto-purchase settings are checked against its catalogue
        credit = ServiceProcess.start("credit-service", creditEnv);
        credit.awaitReady(STARTUP);
        billing.awaitReady(STARTUP);
        stripe.sendWebhooksTo(billing.baseUrl() + "/webhook/stripe");
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess service : new ServiceProcess[] {billing, credit}) {
            if (service != null) {
                service.stop();
            }
        }
        if (stripe != null) {
            stripe.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void aCardPurchaseGrantsItsCreditsOnce() {
        String tenant = openAccount();
        JsonPath answer = purchase(tenant, card("pkg-500", "pm_card_visa"));
        assertThat(answer.getString("payment.paymentStatus")).isEqualTo("completed");
        assertThat(answer.getLong("purchase.totalCost")).isEqualTo(5500);

        awaitGranted(tenant, 1000, 500);
        assertPricedOnce(tenant, "pkg-500", 5500);
    }

    @Test
    void aThreeDSecurePurchaseIsGrantedWhenTheWebhookSaysPaid() {
        String tenant = openAccount();
        JsonPath answer = purchase(tenant, card("pkg-2000", "pm_card_authenticationRequired"));
        assertThat(answer.getString("payment.paymentStatus")).isEqualTo("requires_action");
        assertThat(balance(tenant)).isEqualTo(500);

        stripe.completeAuthentication(answer.getString("payment.paymentIntentId"));

        awaitGranted(tenant, 2500, 2000);
        assertPricedOnce(tenant, "pkg-2000", 19800);
    }

    @Test
    void anInvoicePaidLaterGrantsOnlyThen() {
        String tenant = openAccount();
        JsonPath answer = purchase(tenant, Map.of("packageId", "pkg-10000", "paymentMethod", "invoice",
                "paymentDetails", Map.of("invoiceEmail", "keiri@" + tenant + ".example.jp")));
        assertThat(answer.getString("payment.paymentStatus")).isEqualTo("pending");
        assertThat(stripe.object(answer.getString("payment.invoiceId")).orElseThrow().get("total").asLong()).isEqualTo(88000);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(stripe::webhooksIdle);
        assertThat(balance(tenant)).isEqualTo(500);

        stripe.payInvoice(answer.getString("payment.invoiceId"));

        awaitGranted(tenant, 10500, 10000);
        assertPricedOnce(tenant, "pkg-10000", 88000);
    }

    @Test
    void anAutoPurchaseChargesTheSavedCardWhenTheBalanceFallsToTheThreshold() {
        String tenant = openAccount();
        given().baseUri(billing.baseUrl()).auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("paymentMethodId", "pm_card_visa", "billingEmail", "keiri@" + tenant + ".example.jp"))
                .post("/api/v1/billing/payment-method").then().statusCode(200).body("status", equalTo("succeeded"));
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "threshold", 450, "purchaseAmount", 500, "packageId", "pkg-500"))
                .put("/api/v1/credits/auto-purchase").then().statusCode(200);

        spend(tenant, 60); // 440 left: at or below the threshold of 450

        awaitGranted(tenant, 940, 500);
        List<Map<String, Object>> purchases = purchases(tenant);
        assertThat(purchases).hasSize(1);
        assertThat(purchases.get(0)).containsEntry("source", "auto_purchase").containsEntry("paymentMethod", "stored_card")
                .containsEntry("paymentStatus", "completed").containsEntry("amountYen", 5500);
    }

    @Test
    void autoPurchaseSettingsAreCheckedAgainstBillingsCatalogueWhenSaved() {
        String tenant = openAccount();
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "threshold", 100, "packageId", "pkg-nope"))
                .put("/api/v1/credits/auto-purchase").then().statusCode(422)
                .contentType("application/problem+json").body("code", equalTo("AUTO_PURCHASE_PACKAGE_UNKNOWN"))
                .body("availablePackages.id", hasItem("pkg-500"));
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "threshold", 100, "purchaseAmount", 777))
                .put("/api/v1/credits/auto-purchase").then().statusCode(422)
                .body("code", equalTo("AUTO_PURCHASE_PACKAGE_UNKNOWN"));
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance").then()
                .body("autoPurchase.enabled", equalTo(false)); // refused settings changed nothing

        // A package of exactly the amount is found; TOP_UP defaults to the smallest package.
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "threshold", 100, "purchaseAmount", 500))
                .put("/api/v1/credits/auto-purchase").then().statusCode(200)
                .body("packageId", equalTo("pkg-500")).body("mode", equalTo("FIXED"));
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "threshold", 100, "mode", "TOP_UP", "targetBalance", 3000,
                        "monthlyCapYen", 50000))
                .put("/api/v1/credits/auto-purchase").then().statusCode(200)
                .body("packageId", equalTo("pkg-500")).body("mode", equalTo("TOP_UP"))
                .body("targetBalance", equalTo(3000)).body("monthlyCapYen", equalTo(50000));
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "threshold", 100, "packageId", "pkg-500", "monthlyCapYen", 1000))
                .put("/api/v1/credits/auto-purchase").then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED")).body("violations[0].field", equalTo("monthlyCapYen"));
    }

    // ---------------------------------------------------------------------------------------------------

    private static String openAccount() {
        String tenant = "bill-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(balance(tenant)).isEqualTo(500); // ESSENTIAL's free credits on first use
        return tenant;
    }

    private static Map<String, Object> card(String packageId, String paymentMethodId) {
        return Map.of("packageId", packageId, "paymentMethod", "stripe",
                "paymentDetails", Map.of("stripePaymentMethodId", paymentMethodId));
    }

    private static JsonPath purchase(String tenant, Object body) {
        return given().baseUri(billing.baseUrl()).auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(body)
                .post("/api/v1/credits/purchase").then().statusCode(200).extract().jsonPath();
    }

    private static int balance(String tenant) {
        return given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance")
                .then().statusCode(200).extract().path("balance.currentBalance");
    }

    private static List<Integer> purchaseGrants(String tenant) {
        return given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.staff(tenant)).queryParam("type", "PURCHASE")
                .get("/api/v1/credits/transactions").then().statusCode(200).extract().jsonPath()
                .getList("items.creditsAmount", Integer.class);
    }

    private static List<Map<String, Object>> purchases(String tenant) {
        return given().baseUri(billing.baseUrl()).auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/billing/purchases")
                .then().statusCode(200).extract().jsonPath().getList("items");
    }

    /** The balance reaches {@code balance}; once Stripe's webhooks are all delivered there is one PURCHASE grant. */
    private static void awaitGranted(String tenant, int balance, int credits) {
        Awaitility.await("credits of " + tenant).atMost(GRANTED).pollInterval(Duration.ofMillis(250))
                .until(() -> balance(tenant) == balance);
        Awaitility.await("webhooks delivered").atMost(GRANTED).until(stripe::webhooksIdle);
        assertThat(purchaseGrants(tenant)).containsExactly(credits);
        assertThat(balance(tenant)).isEqualTo(balance);
    }

    private static void assertPricedOnce(String tenant, String packageId, int yen) {
        List<Map<String, Object>> purchases = purchases(tenant);
        assertThat(purchases).hasSize(1);
        assertThat(purchases.get(0)).containsEntry("packageId", packageId).containsEntry("amountYen", yen)
                .containsEntry("paymentStatus", "completed");
    }

    private static void spend(String tenant, int credits) {
        String service = TestJwt.service();
        String key = "spend-" + UUID.randomUUID();
        String hold = given().baseUri(credit.baseUrl()).auth().oauth2(service).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", credits, "functionType", "CHATBOT", "idempotencyKey", key,
                        "userId", "u-1"))
                .post("/internal/v1/holds").then().statusCode(200).extract().path("holdId");
        given().baseUri(credit.baseUrl()).auth().oauth2(service).contentType(ContentType.JSON)
                .body(Map.of("amount", credits, "idempotencyKey", key + "-capture", "executionTimeMs", 100))
                .post("/internal/v1/holds/" + hold + "/capture").then().statusCode(200);
    }
}
