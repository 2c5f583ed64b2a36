package io.hotelcrm.billing.webhook;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.EventDataObjectDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.model.Invoice;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.SetupIntent;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import com.stripe.param.InvoicePaymentListParams;
import io.hotelcrm.billing.customer.CustomerService;
import io.hotelcrm.billing.customer.StripeCustomer;
import io.hotelcrm.billing.purchase.Disputes;
import io.hotelcrm.billing.purchase.PaymentOutcomes;
import io.hotelcrm.billing.purchase.Purchase;
import io.hotelcrm.billing.purchase.Refunds;
import io.hotelcrm.billing.refund.AdminRefunds;
import io.hotelcrm.billing.stripe.StripeCalls;
import io.hotelcrm.billing.subscription.SubscriptionService;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Applies verified Stripe events. The event row is inserted first, in the transaction of the effect: a
 * redelivery finds it and changes nothing, and two deliveries at once serialise on its primary key. The
 * effects are local (state machine + outbox), so the endpoint answers quickly.
 */
@ApplicationScoped
public class WebhookService {

    public static final String APPLIED = "applied";
    public static final String DUPLICATE = "duplicate";
    public static final String IGNORED = "ignored";
    public static final String UNMATCHED = "unmatched";
    /** A refund whose payment is not known or not paid yet: parked, applied when the payment lands. */
    public static final String PENDING = "pending";

    private final PaymentOutcomes outcomes;
    private final SubscriptionService subscriptions;
    private final CustomerService customers;
    private final StripeCalls stripe;
    private final Refunds refunds;
    private final Disputes disputes;
    private final AdminRefunds adminRefunds;

    public WebhookService(PaymentOutcomes outcomes, SubscriptionService subscriptions, CustomerService customers,
                          StripeCalls stripe, Refunds refunds, Disputes disputes, AdminRefunds adminRefunds) {
        this.outcomes = outcomes;
        this.subscriptions = subscriptions;
        this.customers = customers;
        this.stripe = stripe;
        this.refunds = refunds;
        this.disputes = disputes;
        this.adminRefunds = adminRefunds;
    }

    public Uni<String> handle(Event event, String payload) {
        return prepare(event).chain(learnt -> Panache.withTransaction(() -> record(event, payload).chain(inserted -> !inserted
                ? Uni.createFrom().item(DUPLICATE)
                : apply(event, learnt).call(outcome -> Panache.getSession().chain(s -> s.createNativeQuery(
                                "update stripe_webhook_event set outcome = ?1 where event_id = ?2")
                        .setParameter(1, outcome).setParameter(2, event.getId()).executeUpdate())))));
    }

    private Uni<Boolean> record(Event event, String payload) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "insert into stripe_webhook_event (event_id, type, stripe_created_at, outcome, payload) "
                                + "values (?1, ?2, ?3, 'received', ?4) on conflict do nothing")
                .setParameter(1, event.getId()).setParameter(2, event.getType())
                .setParameter(3, Instant.ofEpochSecond(event.getCreated())).setParameter(4, payload)
                .executeUpdate()).map(n -> n == 1);
    }

    /** What prepare() asked Stripe: who paid an invoice (invoice.paid), which invoice a charge paid (charge.refunded). */
    private record Learnt(InvoicePaymentRef invoicePayment, String invoiceId) {
        static final Learnt NOTHING = new Learnt(InvoicePaymentRef.NONE, null);
    }

    private Uni<String> apply(Event event, Learnt learnt) {
        return switch (event.getType()) {
            case "payment_intent.succeeded" -> onPurchase(object(event, PaymentIntent.class), pi -> purchaseOf(pi.getMetadata(), pi.getId(), null),
                    (pi, id) -> outcomes.succeeded(id, pi.getId(), null, pi.getLatestCharge(), pi.getAmountReceived()));
            case "payment_intent.payment_failed" -> onPurchase(object(event, PaymentIntent.class), pi -> purchaseOf(pi.getMetadata(), pi.getId(), null),
                    (pi, id) -> outcomes.failed(id, pi.getId(), pi.getClientSecret(),
                            pi.getLastPaymentError() == null ? "payment_failed" : pi.getLastPaymentError().getCode(),
                            pi.getLastPaymentError() == null ? null : pi.getLastPaymentError().getMessage()));
            case "invoice.paid" -> onPurchase(object(event, Invoice.class), inv -> purchaseOf(inv.getMetadata(), null, inv.getId()),
                    (inv, id) -> outcomes.succeeded(id, learnt.invoicePayment().paymentIntentId(), inv.getId(),
                            learnt.invoicePayment().chargeId(), inv.getAmountPaid()));
            case "invoice_payment.paid" -> onInvoicePayment(event);
            case "invoice.payment_failed" -> onPurchase(object(event, Invoice.class), inv -> purchaseOf(inv.getMetadata(), null, inv.getId()),
                    (inv, id) -> outcomes.invoicePaymentFailed(id, "invoice_payment_failed"));
            case "charge.refunded" -> onChargeRefunded(event, learnt.invoiceId());
            case "refund.created" -> adminRefunds.onStripeRefund(object(event, Refund.class))
                    .map(matched -> matched ? APPLIED : IGNORED);
            // A refund that failed (or was canceled) after it succeeded: its credits come back, once per refund,
            // whichever of these events comes first.
            case "refund.updated", "refund.failed" -> adminRefunds.onStripeRefund(object(event, Refund.class))
                    .chain(matched -> onRefundFailed(event).map(outcome -> outcome.equals(IGNORED) && matched ? APPLIED : outcome));
            case "charge.refund.updated" -> onRefundFailed(event);
            case "charge.dispute.created", "charge.dispute.updated", "charge.dispute.funds_withdrawn",
                    "charge.dispute.funds_reinstated", "charge.dispute.closed" -> onDispute(event, learnt.invoiceId());
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted" ->
                    subscriptions.applyStripeEvent(object(event, Subscription.class), Instant.ofEpochSecond(event.getCreated()),
                            event.getType().endsWith("deleted"));
            case "setup_intent.succeeded" -> Uni.createFrom().item(APPLIED); // done in prepare()
            default -> Uni.createFrom().item(IGNORED);
        };
    }

    private interface Effect<T> {
        Uni<Purchase> apply(T object, UUID purchaseId);
    }

    private <T> Uni<String> onPurchase(T object, Function<T, Uni<Purchase>> find, Effect<T> effect) {
        return find.apply(object).chain(p -> p == null ? Uni.createFrom().item(UNMATCHED)
                : effect.apply(object, p.id).replaceWith(APPLIED));
    }

    private static UUID purchaseIdOf(Map<String, String> metadata) {
        String raw = metadata == null ? null : metadata.get("purchase_id");
        try {
            return raw == null ? null : UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            return null; // not ours
        }
    }

    /** Our purchase id travels in the metadata; the Stripe ids are the fallback. */
    private static Uni<Purchase> purchaseOf(Map<String, String> metadata, String paymentIntentId, String invoiceId) {
        UUID id = purchaseIdOf(metadata);
        Uni<Purchase> byId = id == null ? Uni.createFrom().nullItem() : Purchase.findById(id);
        return byId.chain(p -> p != null ? Uni.createFrom().item(p)
                : paymentIntentId != null ? Purchase.byPaymentIntent(paymentIntentId)
                : invoiceId != null ? Purchase.byInvoice(invoiceId) : Uni.createFrom().nullItem());
    }

    /**
     * The charge of an invoice payment carries {@code payment_intent} (and {@code invoice} in API versions before
     * 2025-03-31); the refund is matched by them, or parked until the purchase knows them.
     */
    private Uni<String> onChargeRefunded(Event event, String invoiceFromStripe) {
        Charge charge = object(event, Charge.class);
        String invoice = StripeJson.id(StripeJson.object(event), "invoice");
        Refunds.ChargeRefund refund = new Refunds.ChargeRefund(charge.getId(), charge.getPaymentIntent(),
                invoice != null ? invoice : invoiceFromStripe, purchaseIdOf(charge.getMetadata()),
                charge.getAmountRefunded() == null ? 0 : charge.getAmountRefunded(), Instant.ofEpochSecond(event.getCreated()));
        if (refund.refundedYenTotal() <= 0) {
            return Uni.createFrom().item(IGNORED);
        }
        return refunds.onChargeRefunded(refund, event.getId()).map(outcome -> switch (outcome) {
            case APPLIED -> APPLIED;
            case UNCHANGED -> DUPLICATE;
            case PENDING -> PENDING;
        });
    }

    /**
     * charge.refund.updated (refund.updated, refund.failed) with status failed or canceled: the refund's money never
     * left, so {@link Refunds#onRefundFailed} gives its credits back. Any other status changes nothing here.
     */
    private Uni<String> onRefundFailed(Event event) {
        Refund refund = object(event, Refund.class);
        if (!"failed".equals(refund.getStatus()) && !"canceled".equals(refund.getStatus())) {
            return Uni.createFrom().item(IGNORED);
        }
        if (refund.getId() == null || refund.getAmount() == null || refund.getAmount() <= 0) {
            return Uni.createFrom().item(IGNORED);
        }
        return refunds.onRefundFailed(new Refunds.FailedRefund(refund.getId(), refund.getCharge(), refund.getPaymentIntent(),
                        purchaseIdOf(refund.getMetadata()), refund.getAmount(),
                        // A refund without its creation time counts in every snapshot before its failure.
                        refund.getCreated() == null ? Instant.EPOCH : Instant.ofEpochSecond(refund.getCreated()),
                        Instant.ofEpochSecond(event.getCreated())), event.getId())
                .map(outcome -> outcome == Refunds.Outcome.APPLIED ? APPLIED : DUPLICATE);
    }

    /**
     * A dispute event only records its fact; {@link Disputes} decides from the facts what the credits do. Matched
     * like a refund: metadata, PaymentIntent, invoice (asked of Stripe when no purchase knows the PaymentIntent),
     * charge.
     */
    private Uni<String> onDispute(Event event, String invoiceFromStripe) {
        Dispute d = object(event, Dispute.class);
        if (d.getId() == null || d.getCharge() == null) {
            return Uni.createFrom().item(IGNORED);
        }
        return disputes.onDisputeEvent(new Disputes.DisputeEvent(event.getType(), d.getId(), d.getCharge(),
                        d.getPaymentIntent(), invoiceFromStripe, purchaseIdOf(d.getMetadata()),
                        d.getAmount() == null ? 0 : d.getAmount(), d.getStatus()))
                .map(outcome -> switch (outcome) {
                    case APPLIED -> APPLIED;
                    case UNCHANGED -> DUPLICATE;
                    case PENDING -> PENDING;
                });
    }

    /** invoice_payment.paid names the PaymentIntent (or charge) that paid an invoice. */
    private Uni<String> onInvoicePayment(Event event) {
        JsonNode raw = StripeJson.object(event);
        String invoiceId = StripeJson.id(raw, "invoice");
        InvoicePaymentRef ref = InvoicePaymentRef.of(raw);
        if (invoiceId == null || ref.isEmpty() || !"paid".equals(StripeJson.string(raw, "status"))) {
            return Uni.createFrom().item(IGNORED);
        }
        return Purchase.byInvoice(invoiceId).chain(p -> p == null ? Uni.createFrom().item(UNMATCHED)
                : outcomes.paymentAttached(p.id, ref.paymentIntentId(), ref.chargeId()).replaceWith(APPLIED));
    }

    /**
     * Work that needs Stripe calls is done before the transaction (and only for an event not yet applied): saving
     * a card, and finding which PaymentIntent and charge paid an invoice — since API version 2025-03-31 the invoice
     * no longer carries them, its InvoicePayments do.
     */
    private Uni<Learnt> prepare(Event event) {
        if ("invoice.paid".equals(event.getType())) {
            return invoicePaymentOf(event).map(payment -> new Learnt(payment, null));
        }
        if ("charge.refunded".equals(event.getType())) {
            Charge charge = object(event, Charge.class);
            String invoice = StripeJson.id(StripeJson.object(event), "invoice");
            return invoice != null ? Uni.createFrom().item(Learnt.NOTHING)
                    : invoiceOfPayment(event, charge.getPaymentIntent()).map(inv -> new Learnt(InvoicePaymentRef.NONE, inv));
        }
        if (event.getType().startsWith("charge.dispute.")) {
            return invoiceOfPayment(event, object(event, Dispute.class).getPaymentIntent())
                    .map(invoice -> new Learnt(InvoicePaymentRef.NONE, invoice));
        }
        if (!"setup_intent.succeeded".equals(event.getType())) {
            return Uni.createFrom().item(Learnt.NOTHING);
        }
        SetupIntent setup = object(event, SetupIntent.class);
        if (setup.getCustomer() == null || setup.getPaymentMethod() == null) {
            return Uni.createFrom().item(Learnt.NOTHING);
        }
        return seen(event)
                .chain(seen -> seen ? Uni.createFrom().<StripeCustomer>nullItem()
                        : Panache.withSession(() -> StripeCustomer.byCustomerId(setup.getCustomer())))
                .chain(customer -> customer == null ? Uni.createFrom().voidItem()
                        : stripe.call("payment_methods.retrieve", null, (s, o) -> s.paymentMethods().retrieve(setup.getPaymentMethod(), o))
                                .chain(card -> customers.saveDefaultCard(customer.tenantId, customer.customerId, card))
                                .replaceWithVoid())
                .replaceWith(Learnt.NOTHING);
    }

    /**
     * The invoice a refunded or disputed charge paid, asked of Stripe only when no purchase knows its PaymentIntent
     * yet: an invoice paid before billing stored PaymentIntents, or a refund or dispute that overtook invoice.paid.
     */
    private Uni<String> invoiceOfPayment(Event event, String pi) {
        if (pi == null) {
            return Uni.createFrom().nullItem();
        }
        return seen(event)
                .chain(seen -> seen ? Uni.createFrom().item(true) : Panache.withSession(() -> Purchase.byPaymentIntent(pi))
                        .map(p -> p != null))
                .chain(known -> known ? Uni.createFrom().<String>nullItem()
                        : stripe.call("invoice_payments.list", null, (s, o) -> s.invoicePayments().list(
                                        InvoicePaymentListParams.builder().setPayment(InvoicePaymentListParams.Payment.builder()
                                                .setType(InvoicePaymentListParams.Payment.Type.PAYMENT_INTENT)
                                                .setPaymentIntent(pi).build()).build(), o))
                                .map(list -> list.getData().stream().map(ip -> ip.getInvoice()).filter(java.util.Objects::nonNull)
                                        .findFirst().orElse(null)));
    }

    private Uni<InvoicePaymentRef> invoicePaymentOf(Event event) {
        JsonNode raw = StripeJson.object(event);
        InvoicePaymentRef carried = InvoicePaymentRef.ofInvoice(raw);
        String invoiceId = StripeJson.string(raw, "id");
        if (!carried.isEmpty() || invoiceId == null) {
            return Uni.createFrom().item(carried);
        }
        return seen(event).chain(seen -> seen ? Uni.createFrom().item(InvoicePaymentRef.NONE)
                : stripe.call("invoice_payments.list", null, (s, o) -> s.invoicePayments().list(
                        InvoicePaymentListParams.builder().setInvoice(invoiceId)
                                .setStatus(InvoicePaymentListParams.Status.PAID).build(), o))
                        .map(list -> list.getData().stream().filter(ip -> "paid".equals(ip.getStatus()) && ip.getPayment() != null)
                                .findFirst()
                                .map(ip -> new InvoicePaymentRef(ip.getPayment().getPaymentIntent(), ip.getPayment().getCharge()))
                                .orElse(InvoicePaymentRef.NONE)));
    }

    private static Uni<Boolean> seen(Event event) {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "select count(*) from stripe_webhook_event where event_id = ?1", Long.class)
                .setParameter(1, event.getId()).getSingleResult())).map(n -> n > 0);
    }

    private static <T> T object(Event event, Class<T> type) {
        EventDataObjectDeserializer data = event.getDataObjectDeserializer();
        StripeObject object = data.getObject().orElse(null);
        if (object == null) {
            try {
                object = data.deserializeUnsafe(); // an event of another API version than stripe-java's
            } catch (EventDataObjectDeserializationException e) {
                throw new ApiException(400, "MALFORMED_REQUEST", "リクエストの形式が正しくありません",
                        "The event's data.object cannot be read: " + e.getMessage());
            }
        }
        if (!type.isInstance(object)) {
            throw new ApiException(400, "MALFORMED_REQUEST", "リクエストの形式が正しくありません",
                    event.getType() + " does not carry a " + type.getSimpleName());
        }
        return type.cast(object);
    }
}
