package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.invoice;
import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.purchase;
import static io.hotelcrm.billing.BillingApi.status;
import static io.hotelcrm.billing.BillingApi.stub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.testsupport.EventRecorder;
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
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refunds of invoice purchases (issue 12, gap 4): matched by the PaymentIntent that paid the invoice, as Stripe
 * names it since API 2025-03-31 (InvoicePayment), and a refund delivered before invoice.paid waits for it.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class InvoiceRefundTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;
    @Inject
    AgroalDataSource db;
    @TestHTTPResource("/webhook/stripe")
    URL webhook;
    BillingApi billing;
    EventRecorder billingEvents;

    @BeforeEach
    void connect() {
        billing = new BillingApi(db);
        stub().sendWebhooksTo(webhook.toString());
        billingEvents = EventRecorder.start(kafka, Topics.BILLING_EVENTS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        stub().sendWebhooksTo(webhook.toString());
        billingEvents.close();
    }

    private record Invoiced(String tenant, String purchaseId, String invoiceId) {
    }

    /** An invoice purchase of pkg-2000 (¥19,800 with tax, 2,000 credits), sent and not paid yet. */
    private Invoiced invoiced() {
        String tenant = newTenant();
        JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), invoice("pkg-2000", "keiri@" + tenant + ".example.jp"))
                .then().statusCode(200).body("payment.paymentStatus", equalTo("pending")).extract().jsonPath();
        return new Invoiced(tenant, answer.getString("purchase.transactionId"), answer.getString("payment.invoiceId"));
    }

    private Invoiced paid() {
        Invoiced i = invoiced();
        stub().payInvoice(i.invoiceId());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status(i.tenant(), i.purchaseId()).equals("completed"));
        return i;
    }

    private List<JsonNode> refunds(String invoiceId) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String payload : billing.events("PaymentRefunded", "paymentId", invoiceId)) {
            out.add(JSON.readTree(payload).get("data"));
        }
        return out;
    }

    /** billing_refunds_pending as /q/metrics shows it. */
    private static double parkedGauge() {
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("billing_refunds_pending")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(-1.0);
    }

    private String outcome(JsonNode event) throws Exception {
        return billing.strings("select outcome from stripe_webhook_event where event_id = ?", event.get("id").asText()).get(0);
    }

    @Test
    void invoicePaidStoresThePaymentIntentThatPaidIt() throws Exception {
        Invoiced i = paid();
        String pi = stub().invoicePaymentIntent(i.invoiceId());
        assertThat(billing.strings("select payment_intent_id from purchase where id = ?::uuid", i.purchaseId()))
                .containsExactly(pi);
        // The credits are still granted under the invoice's id, as before.
        assertThat(billing.events("PaymentSucceeded", "paymentId", i.invoiceId())).hasSize(1);
    }

    @Test
    void aPartialThenTheRestRefundEachPublishOnePaymentRefunded() throws Exception {
        Invoiced i = paid();
        JsonNode first = stub().refundInvoice(i.invoiceId(), 9900);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> refunds(i.invoiceId()).size() == 1);
        JsonNode second = stub().refundInvoice(i.invoiceId(), 9900);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> refunds(i.invoiceId()).size() == 2);
        assertThat(stub().deliver(second)).isEqualTo(200); // a redelivery changes nothing

        List<JsonNode> refunds = refunds(i.invoiceId());
        assertThat(refunds).hasSize(2);
        assertThat(refunds).allSatisfy(r -> {
            assertThat(r.get("amountYen").asLong()).isEqualTo(9900);
            assertThat(r.get("credits").asLong()).isEqualTo(1000);
        });
        assertThat(outcome(first)).isEqualTo("applied");
        assertThat(outcome(second)).isEqualTo("applied");
        assertThat(billing.strings("select refunded_yen || '/' || refunded_credits from purchase where id = ?::uuid",
                i.purchaseId())).containsExactly("19800/2000");

        // What the outbox holds is what reached the topic, once each.
        List<EventEnvelope> published = billingEvents.awaitEnvelopes(
                e -> e.tenantId().equals(i.tenant()) && e.type().equals("PaymentRefunded"), 2, Duration.ofSeconds(30));
        assertThat(published.stream().map(EventEnvelope::id).distinct()).hasSize(2);
    }

    @Test
    void aFullRefundPublishesOnePaymentRefundedForEveryCredit() throws Exception {
        Invoiced i = paid();
        stub().refundInvoice(i.invoiceId(), 19800);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> refunds(i.invoiceId()).size() == 1);
        JsonNode refund = refunds(i.invoiceId()).get(0);
        assertThat(refund.get("amountYen").asLong()).isEqualTo(19800);
        assertThat(refund.get("credits").asLong()).isEqualTo(2000);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        assertThat(refunds(i.invoiceId())).hasSize(1);
    }

    @Test
    void aRefundOfAnInvoicePaidBeforeItsPaymentIntentWasStoredIsFoundThroughStripe() throws Exception {
        Invoiced i = paid();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        // A purchase as rows paid before this change look: the invoice is known, its PaymentIntent is not.
        try (var c = db.getConnection(); var ps = c.prepareStatement(
                "update purchase set payment_intent_id = null, charge_id = null where id = ?::uuid")) {
            ps.setString(1, i.purchaseId());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        JsonNode refunded = stub().refundInvoice(i.invoiceId(), 19800);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> refunds(i.invoiceId()).size() == 1);
        assertThat(refunds(i.invoiceId()).get(0).get("credits").asLong()).isEqualTo(2000);
        assertThat(outcome(refunded)).isEqualTo("applied");
        assertThat(billing.strings("select payment_intent_id from purchase where id = ?::uuid", i.purchaseId()))
                .containsExactly(stub().invoicePaymentIntent(i.invoiceId()));
    }

    @Test
    void aRefundDeliveredBeforeInvoicePaidWaitsAndIsAppliedWhenThePaymentLands() throws Exception {
        Invoiced i = invoiced();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        stub().sendWebhooksTo(null); // record, do not deliver: the test delivers
        JsonNode paid = stub().payInvoice(i.invoiceId());
        JsonNode refunded = stub().refundInvoice(i.invoiceId(), 9900);
        stub().sendWebhooksTo(webhook.toString());

        assertThat(stub().deliver(refunded)).isEqualTo(200);
        assertThat(outcome(refunded)).isEqualTo("pending"); // not "applied": it changed nothing yet
        assertThat(refunds(i.invoiceId())).isEmpty();
        assertThat(billing.count("select count(*) from pending_refund where payment_intent_id = ? and applied_at is null",
                stub().invoicePaymentIntent(i.invoiceId()))).isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> parkedGauge() >= 1);

        assertThat(stub().deliver(paid)).isEqualTo(200);
        assertThat(status(i.tenant(), i.purchaseId())).isEqualTo("completed");
        assertThat(billing.eventsOfTenant(i.tenant())).containsExactly("PaymentSucceeded", "PaymentRefunded");
        JsonNode refund = refunds(i.invoiceId()).get(0);
        assertThat(refund.get("amountYen").asLong()).isEqualTo(9900);
        assertThat(refund.get("credits").asLong()).isEqualTo(1000);
        assertThat(billing.count("select count(*) from pending_refund where payment_intent_id = ? and applied_at is null",
                stub().invoicePaymentIntent(i.invoiceId()))).isZero();

        assertThat(stub().deliver(refunded)).isEqualTo(200); // Stripe retrying the refund changes nothing
        assertThat(billing.eventsOfTenant(i.tenant())).containsExactly("PaymentSucceeded", "PaymentRefunded");
    }

    @Test
    void everyEventDeliveredThreeTimesInAnyOrderEndsInTheSameState() throws Exception {
        Random random = new Random(20261202L);
        for (int round = 0; round < 5; round++) {
            Invoiced i = invoiced();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
            int before = stub().events().size();
            stub().sendWebhooksTo(null);
            stub().payInvoice(i.invoiceId());
            stub().refundInvoice(i.invoiceId(), 5000);
            stub().refundInvoice(i.invoiceId(), 4900);
            List<JsonNode> flow = new ArrayList<>(stub().events().subList(before, stub().events().size()));
            stub().sendWebhooksTo(webhook.toString());
            List<JsonNode> deliveries = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                deliveries.addAll(flow);
            }
            Collections.shuffle(deliveries, random);

            for (JsonNode event : deliveries) {
                assertThat(stub().deliver(event)).as("round %d: %s", round, event.get("type").asText()).isEqualTo(200);
            }

            String r = "round " + round;
            assertThat(status(i.tenant(), i.purchaseId())).as(r).isEqualTo("completed");
            assertThat(billing.events("PaymentSucceeded", "paymentId", i.invoiceId())).as(r).hasSize(1);
            // charge.refunded carries the charge's cumulative amount: the two steps come back out as two events, or as
            // one when the later step was applied first; either way exactly what was refunded, ¥9,900 = 1,000 credits.
            List<JsonNode> refunds = refunds(i.invoiceId());
            assertThat(refunds).as(r).hasSizeBetween(1, 2);
            assertThat(refunds.stream().mapToLong(e -> e.get("amountYen").asLong()).sum()).as(r).isEqualTo(9900);
            assertThat(refunds.stream().mapToLong(e -> e.get("credits").asLong()).sum()).as(r).isEqualTo(1000);
            assertThat(refunds.stream().map(e -> e.get("refundId").asText()).distinct()).as(r).hasSameSizeAs(refunds);
            assertThat(billing.strings("select refunded_yen || '/' || refunded_credits from purchase where id = ?::uuid",
                    i.purchaseId())).as(r).containsExactly("9900/1000");
            assertThat(billing.count("select count(*) from pending_refund where payment_intent_id = ? and applied_at is null",
                    stub().invoicePaymentIntent(i.invoiceId()))).as(r).isZero();
        }
    }
}
