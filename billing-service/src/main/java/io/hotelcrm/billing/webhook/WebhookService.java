package io.hotelcrm.billing.webhook;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.EventDataObjectDeserializer;
import com.stripe.model.Invoice;
import com.stripe.model.PaymentIntent;
import com.stripe.model.SetupIntent;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import io.hotelcrm.billing.customer.CustomerService;
import io.hotelcrm.billing.customer.StripeCustomer;
import io.hotelcrm.billing.purchase.PaymentOutcomes;
import io.hotelcrm.billing.purchase.Purchase;
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

    private final PaymentOutcomes outcomes;
    private final SubscriptionService subscriptions;
    private final CustomerService customers;
    private final StripeCalls stripe;

    public WebhookService(PaymentOutcomes outcomes, SubscriptionService subscriptions, CustomerService customers,
                          StripeCalls stripe) {
        this.outcomes = outcomes;
        this.subscriptions = subscriptions;
        this.customers = customers;
        this.stripe = stripe;
    }

    public Uni<String> handle(Event event, String payload) {
        return prepare(event).chain(() -> Panache.withTransaction(() -> record(event, payload).chain(inserted -> !inserted
                ? Uni.createFrom().item(DUPLICATE)
                : apply(event).call(outcome -> Panache.getSession().chain(s -> s.createNativeQuery(
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

    private Uni<String> apply(Event event) {
        return switch (event.getType()) {
            case "payment_intent.succeeded" -> onPurchase(object(event, PaymentIntent.class), pi -> purchaseOf(pi.getMetadata(), pi.getId(), null),
                    (pi, id) -> outcomes.succeeded(id, pi.getId(), null, pi.getAmountReceived()));
            case "payment_intent.payment_failed" -> onPurchase(object(event, PaymentIntent.class), pi -> purchaseOf(pi.getMetadata(), pi.getId(), null),
                    (pi, id) -> outcomes.failed(id, pi.getId(),
                            pi.getLastPaymentError() == null ? "payment_failed" : pi.getLastPaymentError().getCode(),
                            pi.getLastPaymentError() == null ? null : pi.getLastPaymentError().getMessage()));
            case "invoice.paid" -> onPurchase(object(event, Invoice.class), inv -> purchaseOf(inv.getMetadata(), null, inv.getId()),
                    (inv, id) -> outcomes.succeeded(id, null, inv.getId(), inv.getAmountPaid()));
            case "invoice.payment_failed" -> onPurchase(object(event, Invoice.class), inv -> purchaseOf(inv.getMetadata(), null, inv.getId()),
                    (inv, id) -> outcomes.invoicePaymentFailed(id, "invoice_payment_failed"));
            case "charge.refunded" -> onPurchase(object(event, Charge.class), ch -> purchaseOf(null, ch.getPaymentIntent(), null),
                    (ch, id) -> outcomes.refunded(id, ch.getId(), ch.getAmountRefunded()));
            case "charge.dispute.created" -> onPurchase(object(event, Dispute.class), d -> purchaseOf(null, d.getPaymentIntent(), null),
                    (d, id) -> outcomes.disputed(id));
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

    /** Our purchase id travels in the metadata; the Stripe ids are the fallback. */
    private static Uni<Purchase> purchaseOf(Map<String, String> metadata, String paymentIntentId, String invoiceId) {
        String raw = metadata == null ? null : metadata.get("purchase_id");
        UUID id = null;
        try {
            id = raw == null ? null : UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            // not ours
        }
        Uni<Purchase> byId = id == null ? Uni.createFrom().nullItem() : Purchase.findById(id);
        return byId.chain(p -> p != null ? Uni.createFrom().item(p)
                : paymentIntentId != null ? Purchase.byPaymentIntent(paymentIntentId)
                : invoiceId != null ? Purchase.byInvoice(invoiceId) : Uni.createFrom().nullItem());
    }

    /** Work that needs Stripe calls is done before the transaction (and only for an event not yet applied). */
    private Uni<Void> prepare(Event event) {
        if (!"setup_intent.succeeded".equals(event.getType())) {
            return Uni.createFrom().voidItem();
        }
        SetupIntent setup = object(event, SetupIntent.class);
        if (setup.getCustomer() == null || setup.getPaymentMethod() == null) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                                "select count(*) from stripe_webhook_event where event_id = ?1", Long.class)
                        .setParameter(1, event.getId()).getSingleResult())
                .chain(seen -> seen > 0 ? Uni.createFrom().<StripeCustomer>nullItem()
                        : StripeCustomer.byCustomerId(setup.getCustomer())))
                .chain(customer -> customer == null ? Uni.createFrom().voidItem()
                        : stripe.call("payment_methods.retrieve", null, (s, o) -> s.paymentMethods().retrieve(setup.getPaymentMethod(), o))
                                .chain(card -> customers.saveDefaultCard(customer.tenantId, customer.customerId, card))
                                .replaceWithVoid());
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
