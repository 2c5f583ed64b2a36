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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
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
}
