package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.saveCard;
import static io.hotelcrm.billing.BillingApi.stub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.contracts.billing.PaymentActionRequired;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.testsupport.EventRecorder;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestEventProducer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AutoPurchaseRequested from the real broker → an off-session charge of the saved card → the outcome event. */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class AutoPurchaseTest {

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

    private EventEnvelope request(String tenant, String requestId, String packageId, long credits) {
        return EventEnvelope.wrap(EventType.AutoPurchaseRequested, tenant, Instant.now(),
                new AutoPurchaseRequested(UUID.randomUUID().toString(), requestId, packageId, credits, 50, 48));
    }

    /** A request as credit-service sends it now: mode, quantity, price bound and attempt. */
    private EventEnvelope request(String tenant, String requestId, String packageId, long credits, String mode,
                                  int quantity, long maxAmountYen, int attempt) {
        return EventEnvelope.wrap(EventType.AutoPurchaseRequested, tenant, Instant.now(),
                new AutoPurchaseRequested(UUID.randomUUID().toString(), requestId, packageId, credits, 50, 48, mode,
                        quantity, maxAmountYen, attempt));
    }

    private List<StripeStub.Recorded> charges(String requestId) {
        return stub().requests("POST", "/v1/payment_intents").stream()
                .filter(r -> requestId.equals(r.idempotencyKey())).toList();
    }

    private List<EventEnvelope> outcomes(String tenant, int count) {
        return billingEvents.awaitEnvelopes(e -> e.tenantId().equals(tenant), count, Duration.ofSeconds(30));
    }

    @Test
    void theSavedCardIsChargedOffSessionOncePerRequest() throws Exception {
        String tenant = newTenant();
        saveCard(tenant, "pm_card_visa").then().statusCode(200).body("status", equalTo("succeeded"))
                .body("card.last4", equalTo("4242"));
        String requestId = UUID.randomUUID().toString();
        EventEnvelope request = request(tenant, requestId, "pkg-500", 500);
        producer.send(request);
        producer.send(request); // redelivered

        EventEnvelope outcome = outcomes(tenant, 1).get(0);
        assertThat(outcome.type()).isEqualTo("PaymentSucceeded");
        PaymentSucceeded paid = outcome.dataAs(EventType.PaymentSucceeded, PaymentSucceeded.class);
        assertThat(paid.source()).isEqualTo("auto_purchase");
        assertThat(paid.method()).isEqualTo("stored_card");
        assertThat(paid.autoPurchaseRequestId()).isEqualTo(requestId);
        assertThat(paid.credits()).isEqualTo(500);
        assertThat(paid.amountYen()).isEqualTo(5500);

        List<StripeStub.Recorded> charges = stub().requests("POST", "/v1/payment_intents").stream()
                .filter(r -> requestId.equals(r.idempotencyKey())).toList();
        assertThat(charges).hasSize(1);
        assertThat(charges.get(0).params().get("off_session").asText()).isEqualTo("true");
        assertThat(charges.get(0).params().get("amount").asText()).isEqualTo("5500");

        // A later request of the same tenant (same partition) proves the duplicate was consumed, not pending.
        producer.send(request(tenant, UUID.randomUUID().toString(), null, 500));
        outcomes(tenant, 2);
        assertThat(billing.events("PaymentSucceeded", "autoPurchaseRequestId", requestId)).hasSize(1);
        assertThat(billing.count("select count(*) from purchase where auto_purchase_request_id = ?", requestId)).isEqualTo(1);
    }

    @Test
    void aDeclinedAutoPurchaseFailsWithSourceAutoPurchaseAndGrantsNothing() throws Exception {
        String tenant = newTenant();
        saveCard(tenant, "pm_card_chargeCustomerFail").then().statusCode(200).body("status", equalTo("succeeded"));
        String requestId = UUID.randomUUID().toString();
        producer.send(request(tenant, requestId, "pkg-500", 500));

        EventEnvelope outcome = outcomes(tenant, 1).get(0);
        assertThat(outcome.type()).isEqualTo("PaymentFailed");
        PaymentFailed failed = outcome.dataAs(EventType.PaymentFailed, PaymentFailed.class);
        assertThat(failed.source()).isEqualTo("auto_purchase");
        assertThat(failed.reason()).isEqualTo("card_declined");
        assertThat(failed.autoPurchaseRequestId()).isEqualTo(requestId);
        assertThat(failed.amountYen()).isEqualTo(5500);
        assertThat(billing.eventsOfTenant(tenant)).containsExactly("PaymentFailed");
    }

    @Test
    void withoutASavedCardTheRequestFailsWithoutCallingStripe() throws Exception {
        String tenant = newTenant();
        String requestId = UUID.randomUUID().toString();
        producer.send(request(tenant, requestId, "pkg-500", 500));

        PaymentFailed failed = outcomes(tenant, 1).get(0).dataAs(EventType.PaymentFailed, PaymentFailed.class);
        assertThat(failed.reason()).isEqualTo("no_saved_card");
        assertThat(failed.source()).isEqualTo("auto_purchase");
        assertThat(stub().requests().stream().filter(r -> requestId.equals(r.idempotencyKey()))).isEmpty();
        assertThat(billing.eventsOfTenant(tenant)).containsExactly("PaymentFailed");
    }

    @Test
    void aRequestForSeveralPackagesBuysThemAllInOneCharge() throws Exception {
        String tenant = newTenant();
        saveCard(tenant, "pm_card_visa").then().statusCode(200).body("status", equalTo("succeeded"));
        String requestId = UUID.randomUUID().toString();
        // 3 × pkg-500 (500 credits, ¥5,000): ¥15,000 + 10 % tax on the total = ¥16,500, exactly the bound.
        producer.send(request(tenant, requestId, "pkg-500", 1500, "TOP_UP", 3, 16500, 1));

        EventEnvelope outcome = outcomes(tenant, 1).get(0);
        assertThat(outcome.type()).isEqualTo("PaymentSucceeded");
        PaymentSucceeded paid = outcome.dataAs(EventType.PaymentSucceeded, PaymentSucceeded.class);
        assertThat(paid.credits()).isEqualTo(1500);
        assertThat(paid.amountYen()).isEqualTo(16500);
        assertThat(paid.packageId()).isEqualTo("pkg-500");
        assertThat(paid.autoPurchaseRequestId()).isEqualTo(requestId);

        List<StripeStub.Recorded> charges = charges(requestId);
        assertThat(charges).hasSize(1);
        assertThat(charges.get(0).params().get("amount").asText()).isEqualTo("16500");
        assertThat(billing.strings("select credits || '/' || price_yen || '/' || tax_yen || '/' || amount_yen "
                + "from purchase where auto_purchase_request_id = ?", requestId)).containsExactly("1500/15000/1500/16500");
    }

    @Test
    void aPriceAboveTheBoundOfTheSettingsIsNotCharged() throws Exception {
        String tenant = newTenant();
        saveCard(tenant, "pm_card_visa").then().statusCode(200).body("status", equalTo("succeeded"));
        String requestId = UUID.randomUUID().toString();
        // 2 × pkg-500 costs ¥11,000 with tax now; the admin saved the settings when it cost ¥10,999 or less.
        producer.send(request(tenant, requestId, "pkg-500", 1000, "TOP_UP", 2, 10999, 1));

        EventEnvelope outcome = outcomes(tenant, 1).get(0);
        assertThat(outcome.type()).isEqualTo("PaymentFailed");
        PaymentFailed failed = outcome.dataAs(EventType.PaymentFailed, PaymentFailed.class);
        assertThat(failed.reason()).isEqualTo("price_changed");
        assertThat(failed.source()).isEqualTo("auto_purchase");
        assertThat(failed.autoPurchaseRequestId()).isEqualTo(requestId);
        assertThat(failed.amountYen()).isEqualTo(11000);
        assertThat(stub().requests().stream().filter(r -> requestId.equals(r.idempotencyKey()))).isEmpty();
        assertThat(billing.strings("select status || '/' || failure_code from purchase where auto_purchase_request_id = ?",
                requestId)).containsExactly("FAILED/price_changed");
        assertThat(billing.eventsOfTenant(tenant)).containsExactly("PaymentFailed");
    }

    @Test
    void theBoundIsThePackagesCataloguePriceSoTaxOnTheTotalDoesNotRefuseTheCharge() throws Exception {
        // ¥1,005 + ¥100 tax = ¥1,105 in the catalogue; three in one charge: ¥3,015 + ¥301 tax = ¥3,316, a yen above
        // 3 × ¥1,105, which credit-service sends as the bound. The price did not change: the charge goes through.
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("insert into ai_credit_packages (id, plan_type, credits, price_yen, discount_rate, is_bulk, "
                    + "display_name, sort_order) values ('pkg-odd-test', null, 100, 1005, 0, false, 'test only', 99)");
        }
        try {
            String tenant = newTenant();
            saveCard(tenant, "pm_card_visa").then().statusCode(200).body("status", equalTo("succeeded"));
            producer.send(request(tenant, UUID.randomUUID().toString(), "pkg-odd-test", 300, "TOP_UP", 3, 3315, 1));
            EventEnvelope outcome = outcomes(tenant, 1).get(0);
            assertThat(outcome.type()).isEqualTo("PaymentSucceeded");
            assertThat(outcome.dataAs(EventType.PaymentSucceeded, PaymentSucceeded.class).amountYen()).isEqualTo(3316);
        } finally {
            try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                // off sale again (its purchase keeps referring to it), so the catalogue other tests read is unchanged
                st.executeUpdate("update ai_credit_packages set active = false, valid_until = now() where id = 'pkg-odd-test'");
            }
        }
    }

    @Test
    void aRepeatedRequestIsAnsweredAgainWithTheSamePaymentAndChargedOnce() throws Exception {
        String tenant = newTenant();
        saveCard(tenant, "pm_card_visa").then().statusCode(200).body("status", equalTo("succeeded"));
        String requestId = UUID.randomUUID().toString();
        EventEnvelope first = request(tenant, requestId, "pkg-2000", 4000, "TOP_UP", 2, 0, 1);
        producer.send(first);
        producer.send(first); // the same event redelivered: the inbox skips it, no second answer
        PaymentSucceeded paid = outcomes(tenant, 1).get(0).dataAs(EventType.PaymentSucceeded, PaymentSucceeded.class);
        assertThat(paid.credits()).isEqualTo(4000);
        assertThat(paid.amountYen()).isEqualTo(39600);

        // credit-service heard nothing in time and asks again: a new event, the same request id.
        producer.send(request(tenant, requestId, "pkg-2000", 4000, "TOP_UP", 2, 0, 2));
        List<EventEnvelope> answers = outcomes(tenant, 2);
        assertThat(answers.get(1).type()).isEqualTo("PaymentSucceeded");
        assertThat(answers.get(1).dataAs(EventType.PaymentSucceeded, PaymentSucceeded.class)).isEqualTo(paid);
        assertThat(paid.paymentId()).startsWith("pi_");

        assertThat(charges(requestId)).hasSize(1);
        assertThat(billing.count("select count(*) from purchase where auto_purchase_request_id = ?", requestId)).isEqualTo(1);
        assertThat(billing.events("PaymentSucceeded", "autoPurchaseRequestId", requestId)).hasSize(2);
        assertThat(billing.count("select count(*) from payment_grant where payment_id = ?", paid.paymentId())).isEqualTo(1);
    }

    @Test
    void aRepeatedRequestOfADeclinedChargeIsAnsweredWithTheSameFailure() throws Exception {
        String tenant = newTenant();
        saveCard(tenant, "pm_card_chargeCustomerFail").then().statusCode(200).body("status", equalTo("succeeded"));
        String requestId = UUID.randomUUID().toString();
        producer.send(request(tenant, requestId, "pkg-500", 500, "FIXED", 1, 5500, 1));
        PaymentFailed failed = outcomes(tenant, 1).get(0).dataAs(EventType.PaymentFailed, PaymentFailed.class);
        assertThat(failed.reason()).isEqualTo("card_declined");

        producer.send(request(tenant, requestId, "pkg-500", 500, "FIXED", 1, 5500, 2));
        List<EventEnvelope> answers = outcomes(tenant, 2);
        assertThat(answers.get(1).type()).isEqualTo("PaymentFailed");
        assertThat(answers.get(1).dataAs(EventType.PaymentFailed, PaymentFailed.class)).isEqualTo(failed);
        assertThat(charges(requestId)).hasSize(1);
        assertThat(billing.eventsOfTenant(tenant)).containsExactly("PaymentFailed", "PaymentFailed");
    }

    @Test
    void aRepeatedRequestWithoutASavedCardIsAnsweredAgainWithoutCallingStripe() throws Exception {
        String tenant = newTenant();
        String requestId = UUID.randomUUID().toString();
        producer.send(request(tenant, requestId, "pkg-500", 500, "FIXED", 1, 0, 1));
        producer.send(request(tenant, requestId, "pkg-500", 500, "FIXED", 1, 0, 2));

        List<EventEnvelope> answers = outcomes(tenant, 2);
        PaymentFailed first = answers.get(0).dataAs(EventType.PaymentFailed, PaymentFailed.class);
        assertThat(first.reason()).isEqualTo("no_saved_card");
        assertThat(answers.get(1).dataAs(EventType.PaymentFailed, PaymentFailed.class)).isEqualTo(first);
        assertThat(stub().requests().stream().filter(r -> requestId.equals(r.idempotencyKey()))).isEmpty();
        assertThat(billing.count("select count(*) from purchase where auto_purchase_request_id = ?", requestId)).isEqualTo(1);
    }

    /**
     * A card saved earlier whose bank now wants 3-D Secure on an off-session charge (Stripe's always-authenticate
     * test card 3184; the stub answers the off-session charge with authentication_required, as Stripe does).
     */
    @Test
    void anOffSessionChargeNeedingAuthenticationWaitsForAnAdminAndGrantsOnlyWhenPaid() throws Exception {
        String tenant = newTenant();
        saveCard(tenant, "pm_card_visa").then().statusCode(200).body("status", equalTo("succeeded"));
        String customer = billing.strings("select customer_id from stripe_customer where tenant_id = ?", tenant).get(0);
        String card = stubApi().formParam("customer", customer).post("/v1/payment_methods/pm_card_authenticationRequired/attach")
                .then().statusCode(200).extract().path("id");
        billing.strings("update stripe_customer set default_payment_method_id = ? where tenant_id = ? returning tenant_id",
                card, tenant);
        String requestId = UUID.randomUUID().toString();
        producer.send(request(tenant, requestId, "pkg-500", 500, "FIXED", 1, 5500, 1));

        EventEnvelope outcome = outcomes(tenant, 1).get(0);
        assertThat(outcome.type()).isEqualTo("PaymentActionRequired");
        PaymentActionRequired action = outcome.dataAs(EventType.PaymentActionRequired, PaymentActionRequired.class);
        String purchaseId = billing.strings("select id from purchase where auto_purchase_request_id = ?", requestId).get(0);
        assertThat(action.purchaseId()).isEqualTo(purchaseId);
        assertThat(action.paymentId()).startsWith("pi_");
        assertThat(action.amountYen()).isEqualTo(5500);
        assertThat(action.source()).isEqualTo("auto_purchase");
        assertThat(action.autoPurchaseRequestId()).isEqualTo(requestId);
        assertThat(action.confirmUrl()).isEqualTo("http://localhost:8080/purchases/" + purchaseId + "/confirm");
        // The stub's payment_intent.payment_failed (authentication_required) reaches the webhook too: still waiting.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        assertThat(billing.strings("select status from purchase where id = ?::uuid", purchaseId)).containsExactly("REQUIRES_ACTION");

        // credit-service asks again meanwhile: the same answer, no second charge.
        producer.send(request(tenant, requestId, "pkg-500", 500, "FIXED", 1, 5500, 2));
        List<EventEnvelope> answers = outcomes(tenant, 2);
        assertThat(answers.get(1).dataAs(EventType.PaymentActionRequired, PaymentActionRequired.class)).isEqualTo(action);
        assertThat(charges(requestId)).hasSize(1);
        assertThat(billing.eventsOfTenant(tenant)).containsExactly("PaymentActionRequired", "PaymentActionRequired");

        // The admin opens the link: the browser confirms the PaymentIntent on-session and passes 3-D Secure.
        stubApi().formParam("payment_method", card).post("/v1/payment_intents/" + action.paymentId() + "/confirm")
                .then().statusCode(200).body("status", equalTo("requires_action"));
        stub().completeAuthentication(action.paymentId());
        EventEnvelope paid = outcomes(tenant, 3).get(2);
        assertThat(paid.type()).isEqualTo("PaymentSucceeded");
        PaymentSucceeded succeeded = paid.dataAs(EventType.PaymentSucceeded, PaymentSucceeded.class);
        assertThat(succeeded.paymentId()).isEqualTo(action.paymentId());
        assertThat(succeeded.credits()).isEqualTo(500);
        assertThat(succeeded.autoPurchaseRequestId()).isEqualTo(requestId);
        assertThat(billing.strings("select status from purchase where id = ?::uuid", purchaseId)).containsExactly("SUCCEEDED");
    }

    /** The Stripe-protocol stub called as Stripe.js or a card holder's browser would. */
    private static io.restassured.specification.RequestSpecification stubApi() {
        java.net.URI base = java.net.URI.create(stub().baseUrl());
        return io.restassured.RestAssured.given().baseUri("http://" + base.getHost()).port(base.getPort()).basePath("")
                .auth().oauth2(StripeStub.TEST_API_KEY)
                .contentType(io.restassured.http.ContentType.URLENC);
    }
}
