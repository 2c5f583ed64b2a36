package io.hotelcrm.stripestub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.Customer;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.Invoice;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Subscription;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.InvoiceCreateParams;
import com.stripe.param.InvoiceItemCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.TaxRateCreateParams;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stub as stripe-java sees it: the real client library does the talking. */
class StripeStubTest {

    StripeStub stub;
    StripeClient stripe;
    HttpServer receiver;
    final List<Event> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        stub = StripeStub.start();
        stripe = StripeClient.builder().setApiKey(StripeStub.TEST_API_KEY).setApiBase(stub.baseUrl())
                .setMaxNetworkRetries(0).build();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/webhook", exchange -> {
            String payload = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 200;
            try {
                received.add(Webhook.constructEvent(payload, exchange.getRequestHeaders().getFirst("Stripe-Signature"),
                        stub.webhookSecret(), 300));
            } catch (Exception e) {
                status = 400;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        stub.sendWebhooksTo("http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhook");
    }

    @AfterEach
    void stop() {
        stub.close();
        receiver.stop(0);
    }

    @Test
    void aVisaPaymentSucceedsInWholeYenAndItsSignedEventVerifiesWithStripeJava() throws Exception {
        Customer customer = stripe.customers().create(CustomerCreateParams.builder().setEmail("a@hotel.jp")
                .putMetadata("tenant_id", "hotel-1").build());
        PaymentIntent pi = stripe.paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(5500L)
                .setCurrency("jpy").setCustomer(customer.getId()).setPaymentMethod("pm_card_visa").setConfirm(true)
                .putMetadata("purchase_id", "p-1").build());

        assertThat(pi.getStatus()).isEqualTo("succeeded");
        assertThat(pi.getAmount()).isEqualTo(5500L);
        assertThat(pi.getCurrency()).isEqualTo("jpy");
        assertThat(pi.getMetadata()).containsEntry("purchase_id", "p-1");
        assertThat(pi.getPaymentMethod()).startsWith("pm_").isNotEqualTo("pm_card_visa");
        assertThat(stub.requests("POST", "/v1/payment_intents").get(0).params().path("metadata").path("purchase_id").asText())
                .isEqualTo("p-1");
        org.awaitility.Awaitility.await().until(stub::webhooksIdle);
        assertThat(received).extracting(Event::getType).contains("payment_intent.succeeded");
        PaymentIntent fromEvent = (PaymentIntent) received.stream().filter(e -> e.getType().equals("payment_intent.succeeded"))
                .findFirst().orElseThrow().getDataObjectDeserializer().getObject().orElseThrow();
        assertThat(fromEvent.getId()).isEqualTo(pi.getId());
    }

    @Test
    void aRefundOfTheRefundFailCardSucceedsThenFailsWithChargeRefundUpdated() throws Exception {
        PaymentIntent pi = stripe.paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(5500L)
                .setCurrency("jpy").setPaymentMethod("pm_card_refundFail").setConfirm(true).build());
        assertThat(pi.getStatus()).isEqualTo("succeeded");
        String charge = pi.getLatestCharge();

        com.stripe.model.Refund refund = stripe.refunds().create(com.stripe.param.RefundCreateParams.builder()
                .setPaymentIntent(pi.getId()).setAmount(2200L).build());
        assertThat(refund.getStatus()).as("the answer says succeeded, as Stripe's does").isEqualTo("succeeded");
        assertThat(stub.events("charge.refunded", charge)).hasSize(1);
        assertThat(stub.events("charge.refunded", charge).get(0).path("data").path("object").path("amount_refunded")
                .asLong()).isEqualTo(2200L);

        org.awaitility.Awaitility.await().until(stub::webhooksIdle);
        assertThat(received).extracting(Event::getType).containsSubsequence("refund.created", "charge.refunded",
                "charge.refund.updated", "refund.failed");
        com.stripe.model.Refund updated = (com.stripe.model.Refund) received.stream()
                .filter(e -> e.getType().equals("charge.refund.updated")).findFirst().orElseThrow()
                .getDataObjectDeserializer().getObject().orElseThrow();
        assertThat(updated.getId()).isEqualTo(refund.getId());
        assertThat(updated.getStatus()).isEqualTo("failed");
        assertThat(updated.getFailureReason()).isEqualTo("expired_or_canceled_card");
        assertThat(updated.getCharge()).isEqualTo(charge);
        assertThat(updated.getPaymentIntent()).isEqualTo(pi.getId());
        assertThat(stripe.refunds().retrieve(refund.getId()).getStatus()).isEqualTo("failed");
        assertThat(stripe.charges().retrieve(charge).getAmountRefunded()).as("the failed amount is back on the charge")
                .isZero();
        assertThat(stripe.paymentMethods().retrieve(pi.getPaymentMethod()).getCard().getLast4()).isEqualTo("5126");
    }

    @Test
    void aDeclinedCardIsACardErrorWith402AndAFailedEvent() {
        assertThatThrownBy(() -> stripe.paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(5500L)
                .setCurrency("jpy").setPaymentMethod("pm_card_chargeDeclined").setConfirm(true).build()))
                .isInstanceOfSatisfying(CardException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(402);
                    assertThat(e.getCode()).isEqualTo("card_declined");
                    assertThat(e.getDeclineCode()).isEqualTo("generic_decline");
                    assertThat(e.getStripeError().getPaymentIntent().getStatus()).isEqualTo("requires_payment_method");
                });
        assertThat(stub.events()).extracting(e -> e.get("type").asText()).contains("payment_intent.payment_failed");
    }

    @Test
    void threeDSecureNeedsActionUntilTheTestCompletesIt() throws Exception {
        PaymentIntent pi = stripe.paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(19800L)
                .setCurrency("jpy").setPaymentMethod("pm_card_authenticationRequired").setConfirm(true).build());
        assertThat(pi.getStatus()).isEqualTo("requires_action");
        assertThat(pi.getClientSecret()).startsWith(pi.getId() + "_secret_");

        stub.completeAuthentication(pi.getId());
        assertThat(stripe.paymentIntents().retrieve(pi.getId()).getStatus()).isEqualTo("succeeded");
    }

    @Test
    void anIdempotencyKeyReplaysTheSameAnswerAndRefusesOtherParameters() throws Exception {
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("k-1").build();
        PaymentIntentCreateParams params = PaymentIntentCreateParams.builder().setAmount(5000L).setCurrency("jpy")
                .setPaymentMethod("pm_card_visa").setConfirm(true).build();
        PaymentIntent first = stripe.paymentIntents().create(params, key);
        PaymentIntent again = stripe.paymentIntents().create(params, key);
        assertThat(again.getId()).isEqualTo(first.getId());
        assertThat(stub.events("payment_intent.succeeded", first.getId())).hasSize(1);

        assertThatThrownBy(() -> stripe.paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(6000L)
                .setCurrency("jpy").setPaymentMethod("pm_card_visa").setConfirm(true).build(), key))
                .isInstanceOf(IdempotencyException.class);
    }

    @Test
    void anUnknownPaymentMethodIsAnInvalidRequest() {
        assertThatThrownBy(() -> stripe.paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(5000L)
                .setCurrency("jpy").setPaymentMethod("pm_nope").setConfirm(true).build()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getCode()).isEqualTo("resource_missing"));
    }

    @Test
    void anInvoiceCarriesTenPercentTaxAndIsPaidWhenTheTestSaysSo() throws Exception {
        Customer customer = stripe.customers().create(CustomerCreateParams.builder().setEmail("keiri@hotel.jp").build());
        String tax = stripe.taxRates().create(TaxRateCreateParams.builder().setDisplayName("消費税")
                .setPercentage(java.math.BigDecimal.TEN).setInclusive(false).setCountry("JP").build()).getId();
        Invoice invoice = stripe.invoices().create(InvoiceCreateParams.builder().setCustomer(customer.getId())
                .setCollectionMethod(InvoiceCreateParams.CollectionMethod.SEND_INVOICE).setDueDate(1_900_000_000L)
                .addDefaultTaxRate(tax).putMetadata("purchase_id", "p-9").build());
        stripe.invoiceItems().create(InvoiceItemCreateParams.builder().setCustomer(customer.getId()).setAmount(18000L)
                .setCurrency("jpy").setInvoice(invoice.getId()).setDescription("2,000 クレジット").build());
        Invoice open = stripe.invoices().finalizeInvoice(invoice.getId());
        stripe.invoices().sendInvoice(invoice.getId());

        assertThat(open.getStatus()).isEqualTo("open");
        assertThat(open.getSubtotal()).isEqualTo(18000L);
        assertThat(open.getTotal()).isEqualTo(19800L);
        assertThat(open.getTotalTaxes().get(0).getAmount()).isEqualTo(1800L);

        stub.payInvoice(invoice.getId());
        assertThat(stripe.invoices().retrieve(invoice.getId()).getAmountPaid()).isEqualTo(19800L);

        // Paid as Stripe pays invoices since 2025-03-31: an InvoicePayment names the PaymentIntent and its charge.
        var payments = stripe.invoicePayments().list(com.stripe.param.InvoicePaymentListParams.builder()
                .setInvoice(invoice.getId()).setStatus(com.stripe.param.InvoicePaymentListParams.Status.PAID).build());
        assertThat(payments.getData()).hasSize(1);
        String pi = payments.getData().get(0).getPayment().getPaymentIntent();
        assertThat(pi).startsWith("pi_").isEqualTo(stub.invoicePaymentIntent(invoice.getId()));
        String charge = stripe.paymentIntents().retrieve(pi).getLatestCharge();
        assertThat(stripe.charges().retrieve(charge).getPaymentIntent()).isEqualTo(pi);
        assertThat(stub.events("invoice_payment.paid", payments.getData().get(0).getId())).hasSize(1);

        // Refunds by PaymentIntent, in part, then no more than what is left.
        com.stripe.model.Refund part = stripe.refunds().create(com.stripe.param.RefundCreateParams.builder()
                .setPaymentIntent(pi).setAmount(9900L).putMetadata("refund_request_id", "r-1").build());
        assertThat(part.getStatus()).isEqualTo("succeeded");
        assertThat(part.getCharge()).isEqualTo(charge);
        assertThat(stripe.charges().retrieve(charge).getAmountRefunded()).isEqualTo(9900L);
        assertThat(stub.events("charge.refunded", charge)).hasSize(1);
        assertThatThrownBy(() -> stripe.refunds().create(com.stripe.param.RefundCreateParams.builder()
                .setPaymentIntent(pi).setAmount(9901L).build()))
                .isInstanceOf(com.stripe.exception.InvalidRequestException.class).hasMessageContaining("greater than");
    }

    @Test
    void aDefaultIncompleteSubscriptionAnswersItsFirstInvoicesClientSecret() throws Exception {
        stub.definePrice("price_essential", 7800, "jpy");
        Customer customer = stripe.customers().create(CustomerCreateParams.builder().build());
        Subscription sub = stripe.subscriptions().create(SubscriptionCreateParams.builder().setCustomer(customer.getId())
                .addItem(SubscriptionCreateParams.Item.builder().setPrice("price_essential").build())
                .setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.DEFAULT_INCOMPLETE)
                .addExpand("latest_invoice.confirmation_secret").build());
        assertThat(sub.getStatus()).isEqualTo("incomplete");
        Invoice first = sub.getLatestInvoiceObject();
        assertThat(first.getAmountDue()).isEqualTo(7800L);
        assertThat(first.getConfirmationSecret().getClientSecret()).contains("_secret_");
    }

    @Test
    void aDisputeGoesThroughFundsWithdrawnToWonAndStripeJavaReadsEveryEvent() throws Exception {
        PaymentIntent pi = stripe.paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(5500L)
                .setCurrency("jpy").setPaymentMethod("pm_card_visa").setConfirm(true).build());
        String disputeId = stub.dispute(pi.getId()).get("data").get("object").get("id").asText();
        stub.withdrawDisputeFunds(disputeId);
        assertThatThrownBy(() -> stub.withdrawDisputeFunds(disputeId)).isInstanceOf(StripeError.class);
        List<com.fasterxml.jackson.databind.JsonNode> closed = stub.closeDispute(disputeId, true);
        assertThat(closed).extracting(e -> e.get("type").asText())
                .containsExactly("charge.dispute.closed", "charge.dispute.funds_reinstated");
        assertThatThrownBy(() -> stub.closeDispute(disputeId, false)).isInstanceOf(StripeError.class);

        // All four dispute events delivered (the webhooks go out one by one, after the payment's own events)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                received.stream().filter(e -> e.getType().startsWith("charge.dispute.")).count() >= 4);
        List<Event> disputes = received.stream().filter(e -> e.getType().startsWith("charge.dispute.")).toList();
        assertThat(disputes).extracting(Event::getType).containsExactly("charge.dispute.created",
                "charge.dispute.funds_withdrawn", "charge.dispute.closed", "charge.dispute.funds_reinstated");
        Dispute withdrawn = (Dispute) disputes.get(1).getDataObjectDeserializer().deserializeUnsafe();
        assertThat(withdrawn.getId()).isEqualTo(disputeId);
        assertThat(withdrawn.getPaymentIntent()).isEqualTo(pi.getId());
        assertThat(withdrawn.getCharge()).isEqualTo(pi.getLatestCharge());
        assertThat(withdrawn.getAmount()).isEqualTo(5500L);
        assertThat(withdrawn.getBalanceTransactions()).hasSize(1);
        assertThat(withdrawn.getBalanceTransactions().get(0).getAmount()).isEqualTo(-5500L);
        Dispute closedWon = (Dispute) disputes.get(2).getDataObjectDeserializer().deserializeUnsafe();
        assertThat(closedWon.getStatus()).isEqualTo("won");
        Dispute reinstated = (Dispute) disputes.get(3).getDataObjectDeserializer().deserializeUnsafe();
        assertThat(reinstated.getBalanceTransactions()).extracting(t -> t.getAmount()).containsExactly(-5500L, 5500L);
    }

    @Test
    void theTestModeControlPortOpensAndDecidesADispute() throws Exception {
        PaymentIntent pi = stripe.paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(5500L)
                .setCurrency("jpy").setPaymentMethod("pm_card_visa").setConfirm(true).build());
        TestModeServer control = new TestModeServer(stub, 0);
        var http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpResponse<String>> post = path -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(control.controlUrl() + path))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        var opened = post.apply("/stripe-test/v1/payment_intents/" + pi.getId() + "/dispute");
        assertThat(opened.statusCode()).isEqualTo(200);
        String dispute = new com.fasterxml.jackson.databind.ObjectMapper().readTree(opened.body())
                .get("data").get("object").get("id").asText();
        assertThat(post.apply("/v1/disputes/" + dispute + "/withdraw").statusCode()).isEqualTo(200);
        var lost = post.apply("/v1/disputes/" + dispute + "/lose");
        assertThat(lost.statusCode()).isEqualTo(200);
        assertThat(lost.body()).contains("charge.dispute.closed").doesNotContain("funds_reinstated");
        assertThat(post.apply("/v1/disputes/" + dispute + "/win").statusCode()).isEqualTo(400); // closed stays closed
        assertThat(stub.object(dispute).orElseThrow().get("status").asText()).isEqualTo("lost");
        control.close(); // stops the control port and the stub (stopping it again after the test is harmless)
    }

    @Test
    void aCardNeedingThreeDSecureIsSavedWhenTheTestModeActionPassesItsSetupIntent() throws Exception {
        var customer = stripe.customers().create(com.stripe.param.CustomerCreateParams.builder().setEmail("keiri@hotel.example.jp").build());
        var setup = stripe.setupIntents().create(com.stripe.param.SetupIntentCreateParams.builder().setCustomer(customer.getId())
                .setPaymentMethod("pm_card_authenticationRequired").setConfirm(true).build());
        assertThat(setup.getStatus()).isEqualTo("requires_action");
        TestModeServer control = new TestModeServer(stub, 0);
        var http = java.net.http.HttpClient.newHttpClient();
        var passed = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(control.controlUrl()
                        + "/stripe-test/v1/setup_intents/" + setup.getId() + "/authenticate"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(passed.statusCode()).isEqualTo(200);
        assertThat(passed.body()).contains("setup_intent.succeeded");
        assertThat(stripe.setupIntents().retrieve(setup.getId()).getStatus()).isEqualTo("succeeded");
        var card = stripe.paymentMethods().retrieve(setup.getPaymentMethod());
        assertThat(card.getCustomer()).isEqualTo(customer.getId());
        assertThat(card.getCard().getLast4()).isEqualTo("3184");
        // Saved, the card still wants 3-D Secure off-session, as Stripe's 3184 does
        assertThatThrownBy(() -> stripe.paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(5500L)
                .setCurrency("jpy").setCustomer(customer.getId()).setPaymentMethod(card.getId()).setConfirm(true)
                .setOffSession(true).build()))
                .isInstanceOfSatisfying(CardException.class, e -> assertThat(e.getCode()).isEqualTo("authentication_required"));
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(control.controlUrl()
                        + "/v1/setup_intents/" + setup.getId() + "/authenticate"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(409); // passed already
        control.close();
    }

    @Test
    void aPlanChangePendingIfIncompleteWaitsForItsProrationInvoiceAndAppliesWhenItIsPaid() throws Exception {
        stub.definePrice("price_essential", 7800, "jpy");
        stub.definePrice("price_professional", 19800, "jpy");
        stub.definePrice("price_enterprise", 49800, "jpy");
        Customer customer = stripe.customers().create(CustomerCreateParams.builder().build());
        Subscription sub = stripe.subscriptions().create(SubscriptionCreateParams.builder().setCustomer(customer.getId())
                .addItem(SubscriptionCreateParams.Item.builder().setPrice("price_essential").build())
                .setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.DEFAULT_INCOMPLETE).build());
        assertThat(sub.getPendingUpdate()).isNull();
        stub.payInvoice(sub.getLatestInvoice());
        String item = sub.getItems().getData().get(0).getId();
        // 0341: saved without complaint, every charge declined
        defaultCard(customer.getId(), "pm_card_chargeCustomerFail");

        Subscription pending = stripe.subscriptions().update(sub.getId(), change(item, "price_professional"));
        assertThat(pending.getStatus()).isEqualTo("active");
        assertThat(pending.getItems().getData().get(0).getPrice().getId()).isEqualTo("price_essential");
        assertThat(pending.getPendingUpdate().getSubscriptionItems().get(0).getPrice().getId()).isEqualTo("price_professional");
        assertThat(pending.getPendingUpdate().getExpiresAt()).isGreaterThan(System.currentTimeMillis() / 1000);
        Invoice proration = stripe.invoices().retrieve(pending.getLatestInvoice());
        assertThat(proration.getStatus()).isEqualTo("open");
        assertThat(proration.getAttempted()).isTrue();
        assertThat(proration.getAmountPaid()).isZero();
        assertThat(stub.events("invoice.payment_failed", proration.getId())).hasSize(1);
        assertThat(stub.events("invoice.paid", proration.getId())).isEmpty();
        JsonNode updated = stub.events("customer.subscription.updated", sub.getId()).get(stub.events("customer.subscription.updated", sub.getId()).size() - 1);
        assertThat(updated.at("/data/object/items/data/0/price/id").asText()).isEqualTo("price_essential");
        assertThat(updated.at("/data/previous_attributes").has("pending_update")).isTrue();
        // only the attributes of pending updates go with pending_if_incomplete
        assertThatThrownBy(() -> stripe.subscriptions().update(sub.getId(), SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder().setId(item).setPrice("price_professional").build())
                .setPaymentBehavior(SubscriptionUpdateParams.PaymentBehavior.PENDING_IF_INCOMPLETE)
                .putMetadata("plan_type", "PROFESSIONAL").build()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getParam()).isEqualTo("metadata"));

        stub.payInvoice(proration.getId()); // paid later (another card, a bank transfer): the update applies
        Subscription applied = stripe.subscriptions().retrieve(sub.getId());
        assertThat(applied.getItems().getData().get(0).getPrice().getId()).isEqualTo("price_professional");
        assertThat(applied.getPendingUpdate()).isNull();
        assertThat(stub.events("customer.subscription.pending_update_applied", sub.getId())).hasSize(1);

        defaultCard(customer.getId(), "pm_card_visa"); // a good card: paid at once, applied at once
        Subscription upgraded = stripe.subscriptions().update(sub.getId(), change(item, "price_enterprise"));
        assertThat(upgraded.getItems().getData().get(0).getPrice().getId()).isEqualTo("price_enterprise");
        assertThat(upgraded.getPendingUpdate()).isNull();
        assertThat(stripe.invoices().retrieve(upgraded.getLatestInvoice()).getStatus()).isEqualTo("paid");
    }

    private void defaultCard(String customerId, String token) throws Exception {
        var card = stripe.paymentMethods().attach(token,
                com.stripe.param.PaymentMethodAttachParams.builder().setCustomer(customerId).build());
        stripe.customers().update(customerId, com.stripe.param.CustomerUpdateParams.builder().setInvoiceSettings(
                com.stripe.param.CustomerUpdateParams.InvoiceSettings.builder().setDefaultPaymentMethod(card.getId()).build())
                .build());
    }

    private static SubscriptionUpdateParams change(String item, String price) {
        return SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder().setId(item).setPrice(price).build())
                .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE)
                .setPaymentBehavior(SubscriptionUpdateParams.PaymentBehavior.PENDING_IF_INCOMPLETE).build();
    }
}
