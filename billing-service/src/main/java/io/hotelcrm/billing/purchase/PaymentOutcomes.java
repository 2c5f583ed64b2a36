package io.hotelcrm.billing.purchase;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentRefunded;
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
 * {@link PaymentGrant}'s primary key).
 */
@ApplicationScoped
public class PaymentOutcomes {

    private static final Logger LOG = Logger.getLogger(PaymentOutcomes.class);

    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry metrics;

    public PaymentOutcomes(Outbox outbox, Clock clock, MeterRegistry metrics) {
        this.outbox = outbox;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Stripe says paid: grant the credits (once). */
    public Uni<Purchase> succeeded(UUID purchaseId, String paymentIntentId, String invoiceId, long amountPaidYen) {
        return Purchase.lock(purchaseId).chain(p -> {
            if (p.status == PurchaseStatus.SUCCEEDED) {
                return Uni.createFrom().item(p);
            }
            if (amountPaidYen != p.amountYen) {
                LOG.errorf("purchase %s: Stripe reports ¥%d paid, ¥%d was priced", p.id, amountPaidYen, p.amountYen);
            }
            if (p.paymentIntentId == null) {
                p.paymentIntentId = paymentIntentId;
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
            return outbox.publish(EventType.PaymentSucceeded, p.tenantId, new PaymentSucceeded(p.paymentId(),
                            p.id.toString(), p.packageId, p.credits, p.amountYen, p.source, p.method, p.autoPurchaseRequestId))
                    .chain(event -> {
                        PaymentGrant grant = new PaymentGrant();
                        grant.paymentId = p.paymentId();
                        grant.purchaseId = p.id;
                        grant.eventId = event.id();
                        grant.createdAt = p.paidAt;
                        return grant.persist();
                    })
                    .replaceWith(p);
        });
    }

    /** A definitive failure: announced once; ignored once paid (an out-of-order failure changes nothing). */
    public Uni<Purchase> failed(UUID purchaseId, String paymentIntentId, String code, String message) {
        return Purchase.lock(purchaseId).chain(p -> {
            if (p.status == PurchaseStatus.SUCCEEDED || p.status == PurchaseStatus.FAILED) {
                return Uni.createFrom().item(p);
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

    /**
     * A refund (Stripe reports the charge's cumulative refunded amount): claws back the credits in
     * proportion, once per step.
     */
    public Uni<Purchase> refunded(UUID purchaseId, String chargeId, long refundedYenTotal) {
        return Purchase.lock(purchaseId).chain(p -> {
            if (p.status != PurchaseStatus.SUCCEEDED || refundedYenTotal <= p.refundedYen) {
                return Uni.createFrom().item(p);
            }
            long total = Math.min(refundedYenTotal, p.amountYen);
            long creditsTotal = total == p.amountYen ? p.credits : p.credits * total / p.amountYen;
            long yen = total - p.refundedYen;
            long credits = creditsTotal - p.refundedCredits;
            p.refundedYen = total;
            p.refundedCredits = creditsTotal;
            p.updatedAt = clock.instant();
            return outbox.publish(EventType.PaymentRefunded, p.tenantId, new PaymentRefunded(p.paymentId(),
                    chargeId + ":" + total, yen, credits)).replaceWith(p);
        });
    }

    public Uni<Purchase> disputed(UUID purchaseId) {
        return Purchase.lock(purchaseId).invoke(p -> {
            if (p.disputedAt == null) {
                LOG.warnf("purchase %s of tenant %s is disputed", p.id, p.tenantId);
                p.disputedAt = clock.instant();
                p.updatedAt = p.disputedAt;
            }
        });
    }

    private Uni<Void> publishFailure(Purchase p) {
        return outbox.publish(EventType.PaymentFailed, p.tenantId, new PaymentFailed(p.paymentId(), p.id.toString(),
                p.packageId, p.amountYen, p.source, p.method, p.failureCode, p.autoPurchaseRequestId)).replaceWithVoid();
    }

    private static String truncate(String message) {
        return message == null || message.length() <= 500 ? message : message.substring(0, 500);
    }
}
