package io.hotelcrm.billing.purchase;

import io.hotelcrm.billing.BillingConfig;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentActionRequired;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.platform.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The purchase state machine. Every method runs inside the caller's transaction, locks the purchase row,
 * and publishes through the outbox only on a real transition — so the synchronous Stripe answer and any
 * number of webhooks, in any order, publish PaymentSucceeded at most once per payment (also enforced by
 * {@link PaymentGrant}'s primary key). Disputes: {@link Disputes}.
 */
@ApplicationScoped
public class PaymentOutcomes {

    private static final Logger LOG = Logger.getLogger(PaymentOutcomes.class);

    /** Stripe's code for an off-session charge the bank wants authenticated (3-D Secure). */
    static final String AUTHENTICATION_REQUIRED = "authentication_required";

    private final Outbox outbox;
    private final Refunds refunds;
    private final Disputes disputes;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final BillingConfig config;

    public PaymentOutcomes(Outbox outbox, Refunds refunds, Disputes disputes, Clock clock, MeterRegistry metrics,
                           BillingConfig config) {
        this.config = config;
        this.outbox = outbox;
        this.refunds = refunds;
        this.disputes = disputes;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Stripe says paid: grant the credits (once), remember the payment's PaymentIntent and charge (what a refund
     * will name), and apply the refunds that arrived before the payment.
     */
    public Uni<Purchase> succeeded(UUID purchaseId, String paymentIntentId, String invoiceId, String chargeId,
                                   long amountPaidYen) {
        return PaymentLocks.lock(paymentIntentId, chargeId).chain(() -> Purchase.lock(purchaseId)).chain(p -> {
            boolean learnt = attach(p, paymentIntentId, chargeId);
            if (p.status == PurchaseStatus.SUCCEEDED) {
                return learnt ? settle(p).replaceWith(p) : Uni.createFrom().item(p);
            }
            if (amountPaidYen != p.amountYen) {
                LOG.errorf("purchase %s: Stripe reports ¥%d paid, ¥%d was priced", p.id, amountPaidYen, p.amountYen);
            }
            if (p.invoiceId == null) {
                p.invoiceId = invoiceId;
            }
            p.status = PurchaseStatus.SUCCEEDED;
            p.paidAt = clock.instant();
            p.updatedAt = p.paidAt;
            p.clientSecret = null;
            p.failureCode = null;
            p.failureMessage = null;
            metrics.counter("billing.purchases", "method", p.method, "outcome", "succeeded").increment();
            return outbox.publish(EventType.PaymentSucceeded, p.tenantId, paymentSucceeded(p))
                    .chain(event -> {
                        PaymentGrant grant = new PaymentGrant();
                        grant.paymentId = p.paymentId();
                        grant.purchaseId = p.id;
                        grant.eventId = event.id();
                        grant.createdAt = p.paidAt;
                        return grant.persist();
                    })
                    .chain(() -> settle(p))
                    .replaceWith(p);
        });
    }

    /**
     * Stripe names the payment of an invoice (invoice_payment.paid): remembered, and once the purchase is paid the
     * refunds that named that payment before are applied.
     */
    public Uni<Purchase> paymentAttached(UUID purchaseId, String paymentIntentId, String chargeId) {
        return PaymentLocks.lock(paymentIntentId, chargeId).chain(() -> Purchase.lock(purchaseId)).chain(p ->
                attach(p, paymentIntentId, chargeId) ? settle(p).replaceWith(p) : Uni.createFrom().item(p));
    }

    /** Sets the ids not known yet; true when one was learnt. */
    private boolean attach(Purchase p, String paymentIntentId, String chargeId) {
        boolean learnt = false;
        if (p.paymentIntentId == null && paymentIntentId != null) {
            p.paymentIntentId = paymentIntentId;
            learnt = true;
        }
        if (p.chargeId == null && chargeId != null) {
            p.chargeId = chargeId;
            learnt = true;
        }
        if (learnt) {
            p.updatedAt = clock.instant();
        }
        return learnt;
    }

    /** A definitive failure: announced once; ignored once paid (an out-of-order failure changes nothing). */
    public Uni<Purchase> failed(UUID purchaseId, String paymentIntentId, String code, String message) {
        return failed(purchaseId, paymentIntentId, null, code, message);
    }

    /**
     * Like {@link #failed(UUID, String, String, String)}, except for an auto-purchase whose off-session charge the
     * bank wants authenticated ({@code authentication_required}, with the PaymentIntent's client secret when known):
     * that is no failure but waits for an admin (REQUIRES_ACTION, PaymentActionRequired once); the PaymentIntent's
     * webhook settles it later. Whichever of the synchronous answer and the webhook comes first records it.
     */
    public Uni<Purchase> failed(UUID purchaseId, String paymentIntentId, String clientSecret, String code, String message) {
        return Purchase.lock(purchaseId).chain(p -> {
            if (p.status == PurchaseStatus.SUCCEEDED || p.status == PurchaseStatus.FAILED) {
                return Uni.createFrom().item(p);
            }
            if (PurchaseService.SOURCE_AUTO_PURCHASE.equals(p.source) && AUTHENTICATION_REQUIRED.equals(code)) {
                return awaitAuthentication(p, paymentIntentId, clientSecret);
            }
            if (p.paymentIntentId == null) {
                p.paymentIntentId = paymentIntentId;
            }
            p.status = PurchaseStatus.FAILED;
            p.failureCode = code == null ? "payment_failed" : code;
            p.failureMessage = truncate(message);
            p.clientSecret = null;
            p.updatedAt = clock.instant();
            metrics.counter("billing.purchases", "method", p.method, "outcome", "failed").increment();
            return publishFailure(p).replaceWith(p);
        });
    }

    /** An auto-purchase's off-session charge needs 3-D Secure: recorded and announced once; nothing is granted yet. */
    private Uni<Purchase> awaitAuthentication(Purchase p, String paymentIntentId, String clientSecret) {
        if (p.paymentIntentId == null) {
            p.paymentIntentId = paymentIntentId;
        }
        if (p.clientSecret == null) {
            p.clientSecret = clientSecret;
        }
        if (p.status != PurchaseStatus.PENDING) {
            return Uni.createFrom().item(p); // already waiting (the webhook and the synchronous answer both say so)
        }
        p.status = PurchaseStatus.REQUIRES_ACTION;
        p.updatedAt = clock.instant();
        metrics.counter("billing.purchases", "method", p.method, "outcome", "requires_action").increment();
        LOG.infof("auto-purchase %s of %s: the card needs 3-D Secure; waiting for an admin (%s)", p.autoPurchaseRequestId,
                p.tenantId, p.paymentIntentId);
        return outbox.publish(EventType.PaymentActionRequired, p.tenantId, paymentActionRequired(p)).replaceWith(p);
    }

    /** 3-D Secure needed: the browser completes it with the client secret; the webhook brings the result. */
    public Uni<Purchase> requiresAction(UUID purchaseId, String paymentIntentId, String clientSecret) {
        return Purchase.lock(purchaseId).invoke(p -> {
            if (p.status == PurchaseStatus.PENDING) {
                p.status = PurchaseStatus.REQUIRES_ACTION;
                p.paymentIntentId = paymentIntentId;
                p.clientSecret = clientSecret;
                p.updatedAt = clock.instant();
            }
        });
    }

    /** Stripe accepted the payment but has not settled it (e.g. processing): the webhook decides. */
    public Uni<Purchase> submitted(UUID purchaseId, String paymentIntentId) {
        return Purchase.lock(purchaseId).invoke(p -> {
            if (p.paymentIntentId == null) {
                p.paymentIntentId = paymentIntentId;
                p.updatedAt = clock.instant();
            }
        });
    }

    /** The invoice was sent; invoice.paid will settle it. */
    public Uni<Purchase> awaitingPayment(UUID purchaseId, String invoiceId, String hostedUrl, java.time.Instant dueAt) {
        return Purchase.lock(purchaseId).invoke(p -> {
            if (p.status == PurchaseStatus.PENDING) {
                p.status = PurchaseStatus.AWAITING_PAYMENT;
                p.invoiceId = invoiceId;
                p.hostedInvoiceUrl = hostedUrl;
                p.invoiceDueAt = dueAt;
                p.updatedAt = clock.instant();
            }
        });
    }

    /**
     * An attempt to collect an invoice failed. The invoice stays open and may still be paid, so the purchase
     * keeps waiting; the failure is announced once (for the alert).
     */
    public Uni<Purchase> invoicePaymentFailed(UUID purchaseId, String reason) {
        return Purchase.lock(purchaseId).chain(p -> {
            if (p.status != PurchaseStatus.AWAITING_PAYMENT || p.failureCode != null) {
                return Uni.createFrom().item(p);
            }
            p.failureCode = reason;
            p.updatedAt = clock.instant();
            return publishFailure(p).replaceWith(p);
        });
    }

    /** The refunds and dispute effects that waited for the purchase to be paid or to know its payment, in that order. */
    private Uni<Void> settle(Purchase p) {
        return refunds.settle(p).chain(() -> disputes.settle(p));
    }

    /**
     * Announces a purchase that is already FAILED (recorded by its caller, e.g. an auto-purchase billing refused
     * before any Stripe call), inside the caller's transaction.
     */
    public Uni<Void> publishFailure(Purchase p) {
        return outbox.publish(EventType.PaymentFailed, p.tenantId, paymentFailed(p)).replaceWithVoid();
    }

    /**
     * Publishes a settled purchase's outcome again, unchanged (the same payment id, purchase id and credits, or the
     * same reason), for a requester that did not hear the first one: credit-service's grant is idempotent by payment
     * id. An auto-purchase waiting for 3-D Secure repeats its PaymentActionRequired. Nothing else changes. False
     * when there is nothing to repeat (the purchase is still under way).
     */
    public Uni<Boolean> republish(Purchase p) {
        return switch (p.status) {
            case SUCCEEDED -> outbox.publish(EventType.PaymentSucceeded, p.tenantId, paymentSucceeded(p)).replaceWith(true);
            case FAILED -> publishFailure(p).replaceWith(true);
            case REQUIRES_ACTION -> p.autoPurchaseRequestId == null ? Uni.createFrom().item(false)
                    : outbox.publish(EventType.PaymentActionRequired, p.tenantId, paymentActionRequired(p)).replaceWith(true);
            default -> Uni.createFrom().item(false);
        };
    }

    /** The one place a PaymentSucceeded is built. */
    static PaymentSucceeded paymentSucceeded(Purchase p) {
        return new PaymentSucceeded(p.paymentId(), p.id.toString(), p.packageId, p.credits, p.amountYen, p.source,
                p.method, p.autoPurchaseRequestId);
    }

    /** The one place a PaymentActionRequired is built: the admin confirms at the dashboard's page of the purchase. */
    PaymentActionRequired paymentActionRequired(Purchase p) {
        String base = config.dashboardUrl().endsWith("/") ? config.dashboardUrl().substring(0, config.dashboardUrl().length() - 1)
                : config.dashboardUrl();
        return new PaymentActionRequired(p.paymentIntentId, p.id.toString(), p.packageId, p.amountYen, p.source,
                p.autoPurchaseRequestId, base + "/purchases/" + p.id + "/confirm");
    }

    /** The one place a PaymentFailed of a recorded purchase is built. */
    static PaymentFailed paymentFailed(Purchase p) {
        return new PaymentFailed(p.paymentId(), p.id.toString(), p.packageId, p.amountYen, p.source, p.method,
                p.failureCode, p.autoPurchaseRequestId);
    }

    private static String truncate(String message) {
        return message == null || message.length() <= 500 ? message : message.substring(0, 500);
    }
}
