package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.card;
import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.purchase;
import static io.hotelcrm.billing.BillingApi.status;
import static io.hotelcrm.billing.BillingApi.stub;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.hotelcrm.stripestub.Webhooks;
import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /webhook/stripe: signatures, tolerance, each event once, any order. */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class StripeWebhookTest {

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

    @AfterEach
    void automaticDeliveryBackOn() {
        stub().sendWebhooksTo(webhook.toString());
    }

    /** A purchase waiting for 3-D Secure, and the succeeded event Stripe would send, not yet delivered. */
    private record Pending(String tenant, String purchaseId, String paymentIntentId, JsonNode succeeded) {
    }

    private Pending authenticatedButNotDelivered() {
        String tenant = newTenant();
        JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-500", "pm_card_authenticationRequired"))
                .then().statusCode(200).body("payment.paymentStatus", equalTo("requires_action")).extract().jsonPath();
        String pi = answer.getString("payment.paymentIntentId");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        stub().sendWebhooksTo(null); // record, do not deliver: the test delivers
        JsonNode succeeded = stub().completeAuthentication(pi);
        stub().sendWebhooksTo(webhook.toString());
        return new Pending(tenant, answer.getString("purchase.transactionId"), pi, succeeded);
    }

    private static io.restassured.response.Response post(String payload, String signature) {
        return given().header("Stripe-Signature", signature).contentType("application/json").body(payload)
                .post("/webhook/stripe");
    }

    @Test
    void theSameEventDeliveredThreeTimesTakesEffectOnce() throws Exception {
        Pending p = authenticatedButNotDelivered();
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String payload = JSON.writeValueAsString(p.succeeded());
            outcomes.add(post(payload, stub().signatureHeader(payload, Instant.now().getEpochSecond()))
                    .then().statusCode(200).extract().path("outcome"));
        }
        assertThat(outcomes).containsExactly("applied", "duplicate", "duplicate");
        assertThat(billing.events("PaymentSucceeded", "paymentId", p.paymentIntentId())).hasSize(1);
        assertThat(billing.count("select count(*) from stripe_webhook_event where event_id = ?",
                p.succeeded().get("id").asText())).isEqualTo(1);
        assertThat(status(p.tenant(), p.purchaseId())).isEqualTo("completed");
    }

    @Test
    void shuffledDeliveriesEndPaidOnceAndAFailureAfterSuccessChangesNothing() throws Exception {
        Random random = new Random(20261125L);
        for (int round = 0; round < 6; round++) {
            Pending p = authenticatedButNotDelivered();
            ObjectNode failedObject = p.succeeded().get("data").get("object").deepCopy();
            failedObject.put("status", "requires_payment_method");
            failedObject.putObject("last_payment_error").put("type", "card_error").put("code", "card_declined")
                    .put("message", "Your card was declined.");
            JsonNode failed = stub().newEvent("payment_intent.payment_failed", failedObject);
            JsonNode unknown = stub().newEvent("payment_intent.requires_action", p.succeeded().get("data").get("object"));
            List<JsonNode> deliveries = new ArrayList<>(List.of(p.succeeded(), failed, unknown, p.succeeded()));
            Collections.shuffle(deliveries, random);

            for (JsonNode event : deliveries) {
                assertThat(stub().deliver(event)).isEqualTo(200);
            }

            assertThat(status(p.tenant(), p.purchaseId())).as("round " + round).isEqualTo("completed");
            assertThat(billing.events("PaymentSucceeded", "paymentId", p.paymentIntentId())).as("round " + round).hasSize(1);
            boolean failureCameFirst = deliveries.indexOf(failed) < deliveries.indexOf(p.succeeded());
            assertThat(billing.events("PaymentFailed", "paymentId", p.paymentIntentId())).as("round " + round)
                    .hasSize(failureCameFirst ? 1 : 0);
        }
    }

    @Test
    void aBadSignatureIsRefusedAndStoresNothing() throws Exception {
        Pending p = authenticatedButNotDelivered();
        String payload = JSON.writeValueAsString(p.succeeded());
        long now = Instant.now().getEpochSecond();
        post(payload, Webhooks.signatureHeader(payload, now, "whsec_test_someone_else")).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("WEBHOOK_SIGNATURE_INVALID"));
        post(payload.replace("\"amount_received\":5500", "\"amount_received\":1"), stub().signatureHeader(payload, now))
                .then().statusCode(400).body("code", equalTo("WEBHOOK_SIGNATURE_INVALID"));
        given().contentType("application/json").body(payload).post("/webhook/stripe").then().statusCode(400)
                .body("code", equalTo("WEBHOOK_SIGNATURE_INVALID"));

        assertThat(billing.count("select count(*) from stripe_webhook_event where event_id = ?",
                p.succeeded().get("id").asText())).isZero();
        assertThat(status(p.tenant(), p.purchaseId())).isEqualTo("requires_action");
        assertThat(billing.events("PaymentSucceeded", "paymentId", p.paymentIntentId())).isEmpty();

        // The event id was not used up: the genuine delivery still takes effect.
        post(payload, stub().signatureHeader(payload, now)).then().statusCode(200).body("outcome", equalTo("applied"));
    }

    @Test
    void aTimestampOutsideTheFiveMinuteToleranceIsRefused() throws Exception {
        Pending p = authenticatedButNotDelivered();
        String payload = JSON.writeValueAsString(p.succeeded());
        post(payload, stub().signatureHeader(payload, Instant.now().minusSeconds(301).getEpochSecond())).then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("WEBHOOK_SIGNATURE_INVALID"));
        assertThat(billing.count("select count(*) from stripe_webhook_event where event_id = ?",
                p.succeeded().get("id").asText())).isZero();
        assertThat(status(p.tenant(), p.purchaseId())).isEqualTo("requires_action");
    }

    @Test
    void anUnknownTypeIsAcknowledgedAndIgnored() throws Exception {
        ObjectNode object = JSON.createObjectNode().put("id", "txi_" + UUID.randomUUID()).put("object", "tax_id");
        JsonNode event = stub().newEvent("customer.tax_id.created", object);
        long outboxBefore = billing.count("select count(*) from outbox_event");
        given().header("Stripe-Signature", stub().signatureHeader(JSON.writeValueAsString(event), Instant.now().getEpochSecond()))
                .contentType("application/json").body(JSON.writeValueAsString(event)).post("/webhook/stripe")
                .then().statusCode(200).body("outcome", equalTo("ignored"));
        assertThat(billing.strings("select outcome from stripe_webhook_event where event_id = ?", event.get("id").asText()))
                .containsExactly("ignored");
        assertThat(billing.count("select count(*) from outbox_event")).isEqualTo(outboxBefore);
    }

    @Test
    void refundsClawBackCreditsInProportionOncePerStep() throws Exception {
        String tenant = newTenant();
        String pi = purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-500", "pm_card_visa")).then().statusCode(200)
                .extract().path("payment.paymentIntentId");
        stub().refund(pi, 2750);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> billing.events("PaymentRefunded", "paymentId", pi).size() == 1);
        JsonNode half = stub().refund(pi, 2750);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> billing.events("PaymentRefunded", "paymentId", pi).size() == 2);
        assertThat(stub().deliver(half)).isEqualTo(200); // a redelivery changes nothing

        List<String> refunds = billing.events("PaymentRefunded", "paymentId", pi);
        assertThat(refunds).hasSize(2);
        for (String refund : refunds) {
            JsonNode data = JSON.readTree(refund).get("data");
            assertThat(data.get("amountYen").asLong()).isEqualTo(2750);
            assertThat(data.get("credits").asLong()).isEqualTo(250);
        }
    }
}
