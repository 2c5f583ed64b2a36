package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.card;
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
 * The dispute lifecycle (issue 12, gap 3) through the Stripe-protocol stub's signed webhooks: the disputed credits are
 * held back once the funds are withdrawn (PaymentRefunded, refund id dispute:&lt;id&gt;), kept when the dispute is
 * lost, given back once when it is won (PaymentReinstated), whatever the order and number of deliveries.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class DisputeTest {

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

    /** A paid purchase; {@code paymentId} is what its events name, {@code paymentIntent} what a dispute names. */
    private record Paid(String tenant, String purchaseId, String paymentId, String paymentIntent) {
    }

    /** pkg-500 by card: ¥5,500 with tax, 500 credits, paid at once. */
    private Paid paidByCard() {
        String tenant = newTenant();
        JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-500", "pm_card_visa")).then().statusCode(200)
                .body("payment.paymentStatus", equalTo("completed")).extract().jsonPath();
        String pi = answer.getString("payment.paymentIntentId");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        return new Paid(tenant, answer.getString("purchase.transactionId"), pi, pi);
    }

    private List<JsonNode> data(String type, String paymentId) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String payload : billing.events(type, "paymentId", paymentId)) {
            out.add(JSON.readTree(payload).get("data"));
        }
        return out;
    }

    private List<JsonNode> holdBacks(String paymentId) throws Exception {
        return data("PaymentRefunded", paymentId).stream()
                .filter(d -> d.get("refundId").asText().startsWith("dispute:")).toList();
    }

    private List<JsonNode> returns(String paymentId) throws Exception {
        return data("PaymentReinstated", paymentId);
    }

    private String purchaseDispute(String purchaseId) throws Exception {
        return billing.strings("select coalesce(dispute_status, '-') || '/' || (disputed_at is not null) from purchase "
                + "where id = ?::uuid", purchaseId).get(0);
    }

    private static String disputeId(JsonNode event) {
        return event.get("data").get("object").get("id").asText();
    }

    private static void redeliver(List<JsonNode> events) {
        for (JsonNode e : events) {
            assertThat(stub().deliver(e)).isEqualTo(200);
        }
    }

    @Test
    void aLostDisputeHoldsTheCreditsBackOnceAndMarksThePurchase() throws Exception {
        Paid p = paidByCard();
        JsonNode created = stub().dispute(p.paymentIntent());
        String dispute = disputeId(created);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        assertThat(holdBacks(p.paymentId())).isEmpty(); // opened, no money moved yet
        assertThat(purchaseDispute(p.purchaseId())).isEqualTo("-/true");

        JsonNode withdrawn = stub().withdrawDisputeFunds(dispute);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> holdBacks(p.paymentId()).size() == 1);
        JsonNode held = holdBacks(p.paymentId()).get(0);
        assertThat(held.get("refundId").asText()).isEqualTo("dispute:" + dispute);
        assertThat(held.get("credits").asLong()).isEqualTo(500);
        assertThat(held.get("amountYen").asLong()).isEqualTo(5500);

        List<JsonNode> closed = stub().closeDispute(dispute, false);
        assertThat(closed).extracting(e -> e.get("type").asText()).containsExactly("charge.dispute.closed");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> purchaseDispute(p.purchaseId()).equals("lost/true"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());

        List<JsonNode> all = new ArrayList<>(List.of(created, withdrawn));
        all.addAll(closed);
        redeliver(all); // Stripe retrying changes nothing
        assertThat(holdBacks(p.paymentId())).hasSize(1);
        assertThat(returns(p.paymentId())).isEmpty();
        assertThat(billing.strings("select held_credits || '/' || (returned_at is null) || '/' || closed_status "
                + "from dispute where dispute_id = ?", dispute)).containsExactly("500/true/lost");
        assertThat(billing.eventsOfTenant(p.tenant())).containsExactly("PaymentSucceeded", "PaymentRefunded");

        // What the outbox holds reached the topic, once.
        List<EventEnvelope> published = billingEvents.awaitEnvelopes(
                e -> e.tenantId().equals(p.tenant()) && e.type().equals("PaymentRefunded"), 1, Duration.ofSeconds(30));
        assertThat(published).hasSize(1);
    }

    @Test
    void aWonDisputeHoldsTheCreditsBackThenGivesThemBackOnce() throws Exception {
        Paid p = paidByCard();
        JsonNode created = stub().dispute(p.paymentIntent());
        String dispute = disputeId(created);
        JsonNode withdrawn = stub().withdrawDisputeFunds(dispute);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> holdBacks(p.paymentId()).size() == 1);
        assertThat(returns(p.paymentId())).isEmpty();

        List<JsonNode> closed = stub().closeDispute(dispute, true);
        assertThat(closed).extracting(e -> e.get("type").asText())
                .containsExactly("charge.dispute.closed", "charge.dispute.funds_reinstated");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> returns(p.paymentId()).size() == 1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        JsonNode back = returns(p.paymentId()).get(0);
        assertThat(back.get("disputeId").asText()).isEqualTo(dispute);
        assertThat(back.get("credits").asLong()).isEqualTo(500);
        assertThat(back.get("amountYen").asLong()).isEqualTo(5500);

        List<JsonNode> all = new ArrayList<>(List.of(created, withdrawn));
        all.addAll(closed);
        redeliver(all);
        assertThat(holdBacks(p.paymentId())).hasSize(1);
        assertThat(returns(p.paymentId())).hasSize(1);
        assertThat(purchaseDispute(p.purchaseId())).isEqualTo("won/true");
        assertThat(status(p.tenant(), p.purchaseId())).isEqualTo("completed");
        assertThat(billing.eventsOfTenant(p.tenant()))
                .containsExactly("PaymentSucceeded", "PaymentRefunded", "PaymentReinstated");
        billingEvents.awaitEnvelopes(e -> e.tenantId().equals(p.tenant()) && e.type().equals("PaymentReinstated"), 1,
                Duration.ofSeconds(30));
    }

    @Test
    void everyEventDeliveredThreeTimesInAnyOrderEndsInTheSameState() throws Exception {
        Random random = new Random(20261203L);
        for (int round = 0; round < 8; round++) {
            boolean won = round % 2 == 0;
            boolean byInvoice = round % 4 >= 2; // invoices: the dispute may come before invoice.paid
            String r = "round " + round + (won ? " won" : " lost") + (byInvoice ? " invoice" : " card");
            String tenant;
            String purchaseId;
            String paymentId;
            long credits;
            List<JsonNode> flow;
            if (byInvoice) {
                tenant = newTenant();
                JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), invoice("pkg-2000", "keiri@" + tenant + ".example.jp"))
                        .then().statusCode(200).extract().jsonPath();
                purchaseId = answer.getString("purchase.transactionId");
                paymentId = answer.getString("payment.invoiceId");
                credits = 2000;
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
                int before = stub().events().size();
                stub().sendWebhooksTo(null);
                stub().payInvoice(paymentId);
                disputeFlow(stub().invoicePaymentIntent(paymentId), won);
                flow = new ArrayList<>(stub().events().subList(before, stub().events().size()));
            } else {
                Paid p = paidByCard();
                tenant = p.tenant();
                purchaseId = p.purchaseId();
                paymentId = p.paymentId();
                credits = 500;
                int before = stub().events().size();
                stub().sendWebhooksTo(null);
                disputeFlow(p.paymentIntent(), won);
                flow = new ArrayList<>(stub().events().subList(before, stub().events().size()));
            }
            stub().sendWebhooksTo(webhook.toString());
            List<JsonNode> deliveries = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                deliveries.addAll(flow);
            }
            Collections.shuffle(deliveries, random);
            for (JsonNode event : deliveries) {
                assertThat(stub().deliver(event)).as("%s: %s", r, event.get("type").asText()).isEqualTo(200);
            }

            assertThat(status(tenant, purchaseId)).as(r).isEqualTo("completed");
            assertThat(data("PaymentSucceeded", paymentId)).as(r).hasSize(1);
            assertThat(purchaseDispute(purchaseId)).as(r).isEqualTo((won ? "won" : "lost") + "/true");
            List<JsonNode> held = holdBacks(paymentId);
            List<JsonNode> back = returns(paymentId);
            if (won) {
                // Held back and given back once each, or (won seen before the withdrawal) neither: nothing kept.
                assertThat(held).as(r).hasSizeLessThanOrEqualTo(1);
                assertThat(back).as(r).hasSameSizeAs(held);
                assertThat(back.stream().mapToLong(d -> d.get("credits").asLong()).sum()).as(r)
                        .isEqualTo(held.stream().mapToLong(d -> d.get("credits").asLong()).sum());
            } else {
                assertThat(held).as(r).hasSize(1);
                assertThat(held.get(0).get("credits").asLong()).as(r).isEqualTo(credits);
                assertThat(back).as(r).isEmpty();
            }
            assertThat(billing.count("select count(*) from dispute where purchase_id = ?::uuid", purchaseId)).as(r).isEqualTo(1);
        }
    }

    @Test
    void aDisputeDeliveredBeforeInvoicePaidWaitsAndIsAppliedWhenThePaymentLands() throws Exception {
        String tenant = newTenant();
        JsonPath answer = purchase(tenant, "k-" + UUID.randomUUID(), invoice("pkg-2000", "keiri@" + tenant + ".example.jp"))
                .then().statusCode(200).extract().jsonPath();
        String purchaseId = answer.getString("purchase.transactionId");
        String invoiceId = answer.getString("payment.invoiceId");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        stub().sendWebhooksTo(null); // record, do not deliver: the test delivers
        int before = stub().events().size();
        JsonNode paid = stub().payInvoice(invoiceId);
        List<JsonNode> payment = new ArrayList<>(stub().events().subList(before, stub().events().size()));
        JsonNode created = stub().dispute(stub().invoicePaymentIntent(invoiceId));
        String dispute = disputeId(created);
        JsonNode withdrawn = stub().withdrawDisputeFunds(dispute);
        stub().sendWebhooksTo(webhook.toString());

        assertThat(stub().deliver(created)).isEqualTo(200);
        assertThat(stub().deliver(withdrawn)).isEqualTo(200);
        // Found through Stripe (the invoice this PaymentIntent paid) but not paid yet: nothing held back from nothing.
        assertThat(billing.strings("select outcome from stripe_webhook_event where event_id = ?",
                withdrawn.get("id").asText())).containsExactly("pending");
        assertThat(billing.strings("select purchase_id from dispute where dispute_id = ?", dispute)).containsExactly(purchaseId);
        assertThat(holdBacks(invoiceId)).isEmpty();

        assertThat(stub().deliver(paid)).isEqualTo(200);
        assertThat(status(tenant, purchaseId)).isEqualTo("completed");
        assertThat(billing.eventsOfTenant(tenant)).containsExactly("PaymentSucceeded", "PaymentRefunded");
        assertThat(holdBacks(invoiceId)).singleElement().satisfies(h -> {
            assertThat(h.get("credits").asLong()).isEqualTo(2000);
            assertThat(h.get("amountYen").asLong()).isEqualTo(19800);
        });
        redeliver(payment);
        redeliver(List.of(created, withdrawn));
        assertThat(billing.eventsOfTenant(tenant)).containsExactly("PaymentSucceeded", "PaymentRefunded");
    }

    /** created, funds withdrawn, closed (and funds reinstated when won), as Stripe sends them. */
    private static void disputeFlow(String paymentIntent, boolean won) {
        String dispute = disputeId(stub().dispute(paymentIntent));
        stub().withdrawDisputeFunds(dispute);
        stub().closeDispute(dispute, won);
    }
}
