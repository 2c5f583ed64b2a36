package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.card;
import static io.hotelcrm.billing.BillingApi.invoice;
import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.purchase;
import static io.hotelcrm.billing.BillingApi.saveCard;
import static io.hotelcrm.billing.BillingApi.stub;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.contracts.billing.PaymentActionRequired;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.testsupport.EventRecorder;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestEventProducer;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST /api/v1/billing/purchases/{id}/confirm: the admin's on-session confirmation of an auto-purchase the bank wants
 * authenticated, against the Stripe-protocol stub — confirm → requires_action → 3-D Secure at the stub → webhook →
 * paid once.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class PurchaseConfirmTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;
    @Inject
    AgroalDataSource db;
    @TestHTTPResource("/webhook/stripe")
    URL webhook;
    BillingApi billing;
    TestEventProducer producer;
    EventRecorder billingEvents;

    @BeforeEach
    void connect() {
        billing = new BillingApi(db);
        stub().sendWebhooksTo(webhook.toString());
        producer = new TestEventProducer(kafka);
        billingEvents = EventRecorder.start(kafka, Topics.BILLING_EVENTS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        producer.close();
        billingEvents.close();
    }

    static Response confirm(String token, String purchaseId) {
        return given().auth().oauth2(token).post("/api/v1/billing/purchases/" + purchaseId + "/confirm");
    }

    private List<StripeStub.Recorded> confirmations(String paymentIntentId) {
        return stub().requests("POST", "/v1/payment_intents/" + paymentIntentId + "/confirm");
    }

    private List<EventEnvelope> outcomes(String tenant, int count) {
        return billingEvents.awaitEnvelopes(e -> e.tenantId().equals(tenant), count, Duration.ofSeconds(30));
    }

    /** The saved card is Stripe's always-authenticate 3184: the off-session auto-purchase waits for an admin. */
    private PaymentActionRequired autoPurchaseWaitingForAuthentication(String tenant) throws Exception {
        saveCard(tenant, "pm_card_visa").then().statusCode(200).body("status", equalTo("succeeded"));
        String customer = billing.strings("select customer_id from stripe_customer where tenant_id = ?", tenant).get(0);
        java.net.URI base = java.net.URI.create(stub().baseUrl());
        String card = given().baseUri("http://" + base.getHost()).port(base.getPort()).basePath("")
                .auth().oauth2(StripeStub.TEST_API_KEY).contentType(io.restassured.http.ContentType.URLENC)
                .formParam("customer", customer).post("/v1/payment_methods/pm_card_authenticationRequired/attach")
                .then().statusCode(200).extract().path("id");
        billing.strings("update stripe_customer set default_payment_method_id = ? where tenant_id = ? returning tenant_id",
                card, tenant);
        String requestId = UUID.randomUUID().toString();
        producer.send(EventEnvelope.wrap(EventType.AutoPurchaseRequested, tenant, Instant.now(),
                new AutoPurchaseRequested(UUID.randomUUID().toString(), requestId, "pkg-500", 500, 50, 48, "FIXED", 1,
                        5500, 1)));
        EventEnvelope outcome = outcomes(tenant, 1).get(0);
        assertThat(outcome.type()).isEqualTo("PaymentActionRequired");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        PaymentActionRequired action = outcome.dataAs(EventType.PaymentActionRequired, PaymentActionRequired.class);
        assertThat(billing.strings("select status from purchase where id = ?::uuid", action.purchaseId()))
                .containsExactly("REQUIRES_ACTION");
        return action;
    }

    @Test
    void anAdminConfirmsOnSessionPassesThreeDSecureAndTheCreditsAreGrantedOnce() throws Exception {
        String tenant = newTenant();
        PaymentActionRequired action = autoPurchaseWaitingForAuthentication(tenant);
        String purchaseId = action.purchaseId();
        String card = billing.strings("select payment_method_id from purchase where id = ?::uuid", purchaseId).get(0);

        // Another hotel's admin does not see it; staff may not confirm
        confirm(TestJwt.admin(newTenant()), purchaseId).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        confirm(TestJwt.staff(tenant), purchaseId).then().statusCode(403);
        assertThat(confirmations(action.paymentId())).isEmpty();

        confirm(TestJwt.admin(tenant), purchaseId).then().statusCode(200)
                .body("purchase.transactionId", equalTo(purchaseId))
                .body("purchase.packageId", equalTo("pkg-500"))
                .body("purchase.creditsAdded", equalTo(500))
                .body("purchase.totalCost", equalTo(5500))
                .body("payment.paymentStatus", equalTo("requires_action"))
                .body("payment.paymentIntentId", equalTo(action.paymentId()))
                .body("payment.clientSecret", startsWith(action.paymentId() + "_secret_"));
        List<StripeStub.Recorded> sent = confirmations(action.paymentId());
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).idempotencyKey()).isEqualTo("confirm-" + purchaseId + "-1");
        assertThat(sent.get(0).params().path("payment_method").asText()).isEqualTo(card);
        assertThat(sent.get(0).params().has("off_session")).isFalse(); // on-session: the admin is there

        // The admin reopens the page before finishing 3-D Secure: the same challenge, not a second confirmation
        confirm(TestJwt.admin(tenant), purchaseId).then().statusCode(200)
                .body("payment.paymentStatus", equalTo("requires_action"))
                .body("payment.paymentIntentId", equalTo(action.paymentId()));
        assertThat(confirmations(action.paymentId())).hasSize(1);
        assertThat(billing.strings("select status from purchase where id = ?::uuid", purchaseId)).containsExactly("REQUIRES_ACTION");

        stub().completeAuthentication(action.paymentId()); // what the browser's 3-D Secure does
        EventEnvelope paid = outcomes(tenant, 2).get(1);
        assertThat(paid.type()).isEqualTo("PaymentSucceeded");
        PaymentSucceeded succeeded = paid.dataAs(EventType.PaymentSucceeded, PaymentSucceeded.class);
        assertThat(succeeded.paymentId()).isEqualTo(action.paymentId());
        assertThat(succeeded.purchaseId()).isEqualTo(purchaseId);
        assertThat(succeeded.credits()).isEqualTo(500);
        assertThat(succeeded.autoPurchaseRequestId()).isEqualTo(action.autoPurchaseRequestId());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        assertThat(billing.strings("select status from purchase where id = ?::uuid", purchaseId)).containsExactly("SUCCEEDED");

        // Confirming a paid purchase answers it paid and charges nothing
        confirm(TestJwt.admin(tenant), purchaseId).then().statusCode(200)
                .body("payment.paymentStatus", equalTo("completed"))
                .body("payment.clientSecret", nullValue());
        assertThat(confirmations(action.paymentId())).hasSize(1);
        assertThat(stub().requests("POST", "/v1/payment_intents").stream()
                .filter(r -> r.path().equals("/v1/payment_intents")
                        && action.autoPurchaseRequestId().equals(r.idempotencyKey()))).hasSize(1);
        assertThat(billing.eventsOfTenant(tenant)).containsExactly("PaymentActionRequired", "PaymentSucceeded");
        assertThat(billing.count("select count(*) from payment_grant where purchase_id = ?::uuid", purchaseId)).isEqualTo(1);
    }

    @Test
    void theAnswerOfAPaidPurchaseComesFromStripeWhenItsWebhookIsLate() throws Exception {
        String tenant = newTenant();
        PaymentActionRequired action = autoPurchaseWaitingForAuthentication(tenant);
        confirm(TestJwt.admin(tenant), action.purchaseId()).then().statusCode(200)
                .body("payment.paymentStatus", equalTo("requires_action"));
        stub().sendWebhooksTo("http://127.0.0.1:1/nowhere"); // the webhook does not arrive (yet)
        try {
            stub().completeAuthentication(action.paymentId());
            // Reopening the page: Stripe says paid, so the purchase is paid and granted, once
            confirm(TestJwt.admin(tenant), action.purchaseId()).then().statusCode(200)
                    .body("payment.paymentStatus", equalTo("completed"));
        } finally {
            stub().sendWebhooksTo(webhook.toString());
        }
        assertThat(confirmations(action.paymentId())).hasSize(1);
        assertThat(billing.strings("select status from purchase where id = ?::uuid", action.purchaseId()))
                .containsExactly("SUCCEEDED");
        assertThat(outcomes(tenant, 2).get(1).type()).isEqualTo("PaymentSucceeded");
        assertThat(billing.count("select count(*) from payment_grant where purchase_id = ?::uuid", action.purchaseId()))
                .isEqualTo(1);
    }

    @Test
    void aPurchaseNotWaitingForAuthenticationIsNotConfirmed() throws Exception {
        String tenant = newTenant();
        String paid = purchase(tenant, UUID.randomUUID().toString(), card("pkg-500", "pm_card_visa")).then().statusCode(200)
                .body("payment.paymentStatus", equalTo("completed")).extract().path("purchase.transactionId");
        String pi = billing.strings("select payment_intent_id from purchase where id = ?::uuid", paid).get(0);
        confirm(TestJwt.admin(tenant), paid).then().statusCode(200)
                .body("purchase.transactionId", equalTo(paid))
                .body("payment.paymentStatus", equalTo("completed"));
        assertThat(confirmations(pi)).isEmpty();

        String invoiced = purchase(tenant, UUID.randomUUID().toString(), invoice("pkg-500", "keiri@" + tenant + ".example.jp"))
                .then().statusCode(200).body("payment.paymentStatus", equalTo("pending"))
                .extract().path("purchase.transactionId");
        confirm(TestJwt.admin(tenant), invoiced).then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("PURCHASE_NOT_AWAITING_ACTION"))
                .body("paymentStatus", equalTo("pending"));
        assertThat(billing.strings("select status from purchase where id = ?::uuid", invoiced)).containsExactly("AWAITING_PAYMENT");

        String declined = purchase(tenant, UUID.randomUUID().toString(), card("pkg-500", "pm_card_chargeDeclined"))
                .then().statusCode(200).body("payment.paymentStatus", equalTo("failed")).extract().path("purchase.transactionId");
        confirm(TestJwt.admin(tenant), declined).then().statusCode(409)
                .body("code", equalTo("PURCHASE_NOT_AWAITING_ACTION"))
                .body("paymentStatus", equalTo("failed"));
        confirm(TestJwt.admin(tenant), UUID.randomUUID().toString()).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }
}
