package io.hotelcrm.billing.subscription;

import com.stripe.exception.InvalidRequestException;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionRetrieveParams;
import com.stripe.param.SubscriptionUpdateParams;
import io.hotelcrm.billing.BillingConfig;
import io.hotelcrm.billing.customer.CustomerService;
import io.hotelcrm.billing.stripe.StripeCalls;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PlanChanged;
import io.hotelcrm.platform.outbox.Outbox;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Subscriptions per plan: created {@code default_incomplete} (the browser pays the first invoice with its
 * client secret), changed with proration (the difference is invoiced at once). A plan becomes effective —
 * PlanChanged — when Stripe reports the subscription active on it; older Stripe events are ignored.
 */
@ApplicationScoped
public class SubscriptionService {

    public static final java.util.List<String> PLANS = java.util.List.of("ESSENTIAL", "PROFESSIONAL", "ENTERPRISE");

    private final StripeCalls stripe;
    private final CustomerService customers;
    private final Outbox outbox;
    private final BillingConfig config;
    private final Clock clock;

    public SubscriptionService(StripeCalls stripe, CustomerService customers, Outbox outbox, BillingConfig config, Clock clock) {
        this.stripe = stripe;
        this.customers = customers;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    /**
     * planType is the plan Stripe bills now. After a plan change, paymentStatus says whether its proration was paid
     * ({@value #PAID}) or not ({@value #PAYMENT_FAILED}: pendingPlanType waits at Stripe until pendingExpiresAt for the
     * invoice to be paid); null elsewhere.
     */
    public record SubscriptionView(String subscriptionId, String planType, String status, long monthlyFeeYen,
                                   String clientSecret, String paymentStatus, String pendingPlanType,
                                   Instant pendingExpiresAt) {
    }

    public Uni<SubscriptionView> current(String tenant) {
        return Panache.withSession(() -> PlanSubscription.<PlanSubscription>findById(tenant)).map(s -> {
            if (s == null) {
                throw ApiException.notFound("A subscription");
            }
            return view(s, null);
        });
    }

    /** Subscribes the tenant to a plan; answers the first invoice's client secret for the browser to pay it. */
    public Uni<SubscriptionView> subscribe(String tenant, String plan, String email) {
        BillingConfig.Plan settings = plan(plan);
        return Panache.withSession(() -> PlanSubscription.<PlanSubscription>findById(tenant)).chain(existing -> {
            if (existing != null && existing.live()) {
                throw ApiException.conflict("SUBSCRIPTION_EXISTS",
                        "The tenant already subscribes to " + existing.planType + "; change the plan with PUT");
            }
            if (existing != null && "incomplete".equals(existing.status) && existing.planType.equals(plan)) {
                return stripe.call("subscriptions.retrieve", null, (s, o) -> s.subscriptions().retrieve(
                                existing.subscriptionId, SubscriptionRetrieveParams.builder()
                                        .addExpand("latest_invoice.confirmation_secret").build(), o))
                        .map(sub -> view(existing, clientSecret(sub)));
            }
            return customers.ensureCustomer(tenant, email).chain(customer -> stripe.call("subscriptions.create",
                            "subscription-" + tenant + "-" + plan + "-" + (existing == null ? "first" : existing.subscriptionId),
                            (s, o) -> s.subscriptions().create(SubscriptionCreateParams.builder()
                                    .setCustomer(customer.customerId)
                                    .addItem(SubscriptionCreateParams.Item.builder().setPrice(settings.stripePriceId()).build())
                                    .setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.DEFAULT_INCOMPLETE)
                                    .setPaymentSettings(SubscriptionCreateParams.PaymentSettings.builder()
                                            .setSaveDefaultPaymentMethod(
                                                    SubscriptionCreateParams.PaymentSettings.SaveDefaultPaymentMethod.ON_SUBSCRIPTION)
                                            .build())
                                    .addExpand("latest_invoice.confirmation_secret")
                                    .putMetadata("tenant_id", tenant)
                                    .putMetadata("plan_type", plan)
                                    .build(), o)))
                    .chain(sub -> Panache.withTransaction(() -> PlanSubscription.lock(tenant).chain(row -> {
                        PlanSubscription s = row == null ? new PlanSubscription() : row;
                        Instant now = clock.instant();
                        if (row == null) {
                            s.tenantId = tenant;
                            s.createdAt = now;
                        }
                        s.subscriptionId = sub.getId();
                        s.itemId = sub.getItems().getData().get(0).getId();
                        s.planType = plan;
                        s.status = sub.getStatus();
                        s.updatedAt = now;
                        return (row == null ? s.persist() : Uni.createFrom().item(s))
                                .chain(() -> announceIfEffective(s, now)).replaceWith(view(s, clientSecret(sub)));
                    })));
        });
    }

    /**
     * Moves a live subscription to another plan with proration, {@code payment_behavior=pending_if_incomplete}: Stripe
     * charges the prorated difference at once and moves the subscription to the new price only when that invoice is
     * paid; otherwise the subscription keeps its price and carries a {@code pending_update} (applied when the invoice
     * is paid later — reported by customer.subscription.updated — or expiring after 23 h). The plan stored and
     * announced (PlanChanged) is always the one of the price Stripe answers, never the one requested.
     */
    public Uni<SubscriptionView> changePlan(String tenant, String plan) {
        BillingConfig.Plan settings = plan(plan);
        return Panache.withSession(() -> PlanSubscription.<PlanSubscription>findById(tenant)).chain(existing -> {
            if (existing == null || !existing.live()) {
                throw ApiException.conflict("NO_ACTIVE_SUBSCRIPTION", "The tenant has no active subscription to change");
            }
            if (existing.planType.equals(plan)) {
                return Uni.createFrom().item(view(existing, null));
            }
            // Unique per change, stable for a retry of it: the row's version (updatedAt moves with every change and
            // every Stripe event applied) and the target. The key used to be subscription + from + to, so upgrade →
            // downgrade → upgrade within Stripe's 24 h replayed the first answer and changed nothing at Stripe.
            String key = "plan-change-" + existing.subscriptionId + "-" + existing.updatedAt.toEpochMilli() + "-"
                    + existing.updatedAt.getNano() % 1_000_000 + "-" + plan;
            // No metadata: pending_if_incomplete accepts only the attributes of pending updates.
            return stripe.call("subscriptions.update", key, (s, o) -> s.subscriptions().update(existing.subscriptionId,
                            SubscriptionUpdateParams.builder()
                                    .addItem(SubscriptionUpdateParams.Item.builder().setId(existing.itemId)
                                            .setPrice(settings.stripePriceId()).build())
                                    .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE)
                                    .setPaymentBehavior(SubscriptionUpdateParams.PaymentBehavior.PENDING_IF_INCOMPLETE)
                                    .build(), o))
                    .onFailure(InvalidRequestException.class).transform(e -> ApiException.conflict("PLAN_CHANGE_REJECTED",
                            ((InvalidRequestException) e).getStripeError().getMessage()))
                    .chain(sub -> Panache.withTransaction(() -> PlanSubscription.lock(tenant).chain(s -> {
                        Instant now = clock.instant();
                        SubscriptionItem item = sub.getItems() == null || sub.getItems().getData().isEmpty() ? null
                                : sub.getItems().getData().get(0);
                        String live = item == null || item.getPrice() == null ? null : planOfPrice(item.getPrice().getId());
                        if (item != null) {
                            s.itemId = item.getId();
                        }
                        if (live != null) {
                            s.planType = live;
                        }
                        s.status = sub.getStatus();
                        s.updatedAt = now;
                        String pending = pendingPlan(sub);
                        return announceIfEffective(s, now).replaceWith(pending == null
                                ? view(s, null, PAID, null, null)
                                : view(s, null, PAYMENT_FAILED, pending,
                                        sub.getPendingUpdate().getExpiresAt() == null ? null
                                                : Instant.ofEpochSecond(sub.getPendingUpdate().getExpiresAt())));
                    })));
        });
    }

    /** paymentStatus of a plan change: the proration is paid (or nothing was due) and the new plan is live. */
    public static final String PAID = "paid";
    /** paymentStatus of a plan change whose proration invoice was not paid: the change waits at Stripe. */
    public static final String PAYMENT_FAILED = "payment_failed";

    /** The plan of a Stripe pending update's price; null when there is none. */
    private String pendingPlan(Subscription sub) {
        Subscription.PendingUpdate pending = sub.getPendingUpdate();
        if (pending == null || pending.getSubscriptionItems() == null || pending.getSubscriptionItems().isEmpty()) {
            return null;
        }
        SubscriptionItem item = pending.getSubscriptionItems().get(0);
        return item.getPrice() == null ? null : planOfPrice(item.getPrice().getId());
    }

    /**
     * A customer.subscription.* event, inside the webhook's transaction. Only subscriptions made through this
     * API are tracked (their row exists before Stripe can report them active); events older than the last one
     * applied are ignored, so out-of-order deliveries cannot turn a plan back.
     */
    public Uni<String> applyStripeEvent(Subscription sub, Instant eventCreated, boolean deleted) {
        return PlanSubscription.tenantOf(sub.getId())
                .chain(tenant -> tenant == null ? Uni.createFrom().<PlanSubscription>nullItem() : PlanSubscription.lock(tenant))
                .chain(s -> {
                    if (s == null) {
                        return Uni.createFrom().item("unmatched");
                    }
                    if (s.stripeEventAt != null && eventCreated.isBefore(s.stripeEventAt)) {
                        return Uni.createFrom().item("stale");
                    }
                    SubscriptionItem item = sub.getItems() == null || sub.getItems().getData().isEmpty() ? null
                            : sub.getItems().getData().get(0);
                    if (item != null) {
                        s.itemId = item.getId();
                        String plan = planOfPrice(item.getPrice() == null ? null : item.getPrice().getId());
                        if (plan != null) {
                            s.planType = plan;
                        }
                    }
                    s.status = deleted ? "canceled" : sub.getStatus();
                    s.stripeEventAt = eventCreated;
                    s.updatedAt = clock.instant();
                    return announceIfEffective(s, eventCreated).replaceWith("applied");
                });
    }

    private Uni<Void> announceIfEffective(PlanSubscription s, Instant effectiveAt) {
        if (!s.live() || s.planType.equals(s.announcedPlan)) {
            return Uni.createFrom().voidItem();
        }
        String previous = s.announcedPlan;
        s.announcedPlan = s.planType;
        return outbox.publish(EventType.PlanChanged, s.tenantId,
                new PlanChanged(previous, s.planType, effectiveAt, s.subscriptionId)).replaceWithVoid();
    }

    private BillingConfig.Plan plan(String plan) {
        if (plan == null || !PLANS.contains(plan)) {
            throw ApiException.validation("planType must be one of " + PLANS);
        }
        return config.plans().get(plan.toLowerCase(Locale.ROOT));
    }

    private String planOfPrice(String priceId) {
        for (Map.Entry<String, BillingConfig.Plan> e : config.plans().entrySet()) {
            if (e.getValue().stripePriceId().equals(priceId)) {
                return e.getKey().toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }

    private SubscriptionView view(PlanSubscription s, String clientSecret) {
        return view(s, clientSecret, null, null, null);
    }

    private SubscriptionView view(PlanSubscription s, String clientSecret, String paymentStatus, String pendingPlan,
                                  Instant pendingExpiresAt) {
        return new SubscriptionView(s.subscriptionId, s.planType, s.status,
                config.plans().get(s.planType.toLowerCase(Locale.ROOT)).monthlyFeeYen(), clientSecret, paymentStatus,
                pendingPlan, pendingExpiresAt);
    }

    private static String clientSecret(Subscription sub) {
        return sub.getLatestInvoiceObject() == null || sub.getLatestInvoiceObject().getConfirmationSecret() == null ? null
                : sub.getLatestInvoiceObject().getConfirmationSecret().getClientSecret();
    }
}
