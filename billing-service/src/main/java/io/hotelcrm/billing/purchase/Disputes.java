package io.hotelcrm.billing.purchase;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentReinstated;
import io.hotelcrm.platform.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The dispute lifecycle (issue 12, gap 3). Each Stripe event about a dispute only records a fact on its row; the
 * effects follow from the facts, so any order and any number of deliveries end the same:
 * <ul>
 *   <li>money gone (funds withdrawn, or lost) and not back: the disputed credits are held back once, as a
 *   {@code PaymentRefunded} with refund id {@code dispute:<id>} (credit-service takes back what is left of the
 *   purchase's grants, what running executions hold is owed);</li>
 *   <li>money back (won, or funds reinstated) after a hold-back: {@code PaymentReinstated} once, for exactly what
 *   was held back; a dispute won before any withdrawal was seen holds nothing back and returns nothing.</li>
 * </ul>
 * Like refunds, effects wait until the purchase is paid ({@link #settle}), under the same locks.
 */
@ApplicationScoped
public class Disputes {

    private static final Logger LOG = Logger.getLogger(Disputes.class);

    public enum Outcome {
        /** A new fact or effect. */
        APPLIED,
        /** Nothing new (a redelivery, or a fact that changes nothing any more). */
        UNCHANGED,
        /** The purchase is not known or not paid yet: the facts are kept and applied when it is. */
        PENDING
    }

    /** What a charge.dispute.* event says. {@code purchaseId} from metadata, {@code invoiceId} learnt from Stripe. */
    public record DisputeEvent(String type, String disputeId, String chargeId, String paymentIntentId, String invoiceId,
                               UUID purchaseId, long amountYen, String status) {
    }

    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry metrics;

    public Disputes(Outbox outbox, Clock clock, MeterRegistry metrics) {
        this.outbox = outbox;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Inside the webhook's transaction. */
    public Uni<Outcome> onDisputeEvent(DisputeEvent e) {
        return PaymentLocks.lock(e.paymentIntentId(), e.chargeId())
                .chain(() -> Refunds.find(e.purchaseId(), e.paymentIntentId(), e.invoiceId(), e.chargeId()))
                .chain(found -> found == null ? Uni.createFrom().<Purchase>nullItem() : Purchase.lock(found.id))
                .chain(p -> row(e, p).chain(d -> {
                    boolean learnt = record(d, e, p);
                    if (p == null || p.status != PurchaseStatus.SUCCEEDED) {
                        return Uni.createFrom().item(learnt ? Outcome.PENDING : Outcome.UNCHANGED);
                    }
                    return apply(p, d).map(effect -> effect || learnt ? Outcome.APPLIED : Outcome.UNCHANGED);
                }))
                .invoke(outcome -> metrics.counter("billing.disputes", "outcome", outcome.name().toLowerCase()).increment());
    }

    /**
     * Applies the effects the disputes of {@code p} are waiting for; the caller holds {@code p} locked (and its payment
     * ids) and has just made it paid or taught it its PaymentIntent or charge.
     */
    Uni<Void> settle(Purchase p) {
        if (p.status != PurchaseStatus.SUCCEEDED) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(s -> s.createSelectionQuery(
                        "from ChargeDispute where purchaseId = :purchase or paymentIntentId = :pi or chargeId = :charge "
                                + "order by createdAt, disputeId", ChargeDispute.class)
                .setParameter("purchase", p.id)
                .setParameter("pi", p.paymentIntentId == null ? "-" : p.paymentIntentId)
                .setParameter("charge", p.chargeId == null ? "-" : p.chargeId)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList())
                .chain(rows -> Multi.createFrom().iterable(rows).onItem()
                        .transformToUniAndConcatenate(d -> {
                            d.purchaseId = p.id;
                            return apply(p, d);
                        }).collect().asList())
                .replaceWithVoid();
    }

    private Uni<ChargeDispute> row(DisputeEvent e, Purchase p) {
        // The advisory lock on the charge serialises every event of this dispute, so find-then-insert is safe.
        return Panache.getSession().chain(s -> s.find(ChargeDispute.class, e.disputeId(), LockModeType.PESSIMISTIC_WRITE))
                .chain(d -> {
                    if (d != null) {
                        return Uni.createFrom().item(d);
                    }
                    ChargeDispute created = new ChargeDispute();
                    created.disputeId = e.disputeId();
                    created.chargeId = e.chargeId();
                    created.paymentIntentId = e.paymentIntentId();
                    created.purchaseId = p == null ? null : p.id;
                    created.amountYen = e.amountYen();
                    created.createdAt = clock.instant();
                    created.updatedAt = created.createdAt;
                    created.fresh = true;
                    return created.<ChargeDispute>persist();
                });
    }

    /** Records what the event says (each fact once) on the dispute and the purchase; true when something was new. */
    private boolean record(ChargeDispute d, DisputeEvent e, Purchase p) {
        Instant now = clock.instant();
        boolean learnt = d.fresh;
        if (d.purchaseId == null && p != null) {
            d.purchaseId = p.id;
            learnt = true;
        }
        if (e.type().endsWith(".funds_withdrawn") && d.fundsWithdrawnAt == null) {
            d.fundsWithdrawnAt = now;
            learnt = true;
        }
        if (e.type().endsWith(".funds_reinstated") && d.reinstatedAt == null) {
            d.reinstatedAt = now;
            learnt = true;
        }
        // Stripe's status is final once won, lost or warning_closed, whichever event carries it.
        boolean closing = ChargeDispute.WON.equals(e.status()) || ChargeDispute.LOST.equals(e.status())
                || "warning_closed".equals(e.status());
        if (closing && d.closedStatus == null) {
            d.closedStatus = e.status();
            learnt = true;
        }
        if (learnt) {
            d.updatedAt = now;
        }
        if (p != null) {
            if (p.disputedAt == null) {
                LOG.warnf("purchase %s of tenant %s is disputed (%s)", p.id, p.tenantId, d.disputeId);
                p.disputedAt = now;
                p.updatedAt = now;
            }
            if (d.closedStatus != null && !d.closedStatus.equals(p.disputeStatus)) {
                p.disputeStatus = d.closedStatus;
                p.updatedAt = now;
            }
        }
        return learnt;
    }

    /** The effects the facts call for, on a locked, paid purchase; true when one was published. */
    private Uni<Boolean> apply(Purchase p, ChargeDispute d) {
        if (d.closedStatus != null && !d.closedStatus.equals(p.disputeStatus)) {
            p.disputeStatus = d.closedStatus; // facts recorded before the purchase was found
            p.updatedAt = clock.instant();
        }
        if (p.disputedAt == null) {
            p.disputedAt = clock.instant();
        }
        if (d.heldAt == null && d.moneyGone()) {
            return holdBack(p, d).replaceWith(true);
        }
        if (d.heldAt != null && d.returnedAt == null && d.moneyBack()) {
            return giveBack(p, d).replaceWith(true);
        }
        return Uni.createFrom().item(false);
    }

    /** What is left of the purchase after refunds, in proportion to the disputed amount. */
    private Uni<Void> holdBack(Purchase p, ChargeDispute d) {
        long leftYen = p.amountYen - p.refundedYen;
        long leftCredits = p.credits - p.refundedCredits;
        d.heldYen = Math.max(0, Math.min(d.amountYen, leftYen));
        d.heldCredits = d.heldYen == leftYen ? leftCredits : Math.min(leftCredits, p.credits * d.heldYen / p.amountYen);
        d.heldAt = clock.instant();
        d.updatedAt = d.heldAt;
        metrics.counter("billing.disputes", "outcome", "held_back").increment();
        LOG.infof("dispute %s of purchase %s: %d credits held back", d.disputeId, p.id, d.heldCredits);
        if (d.heldCredits == 0 && d.heldYen == 0) {
            return Uni.createFrom().voidItem();
        }
        return outbox.publish(EventType.PaymentRefunded, p.tenantId, new PaymentRefunded(p.paymentId(),
                "dispute:" + d.disputeId, d.heldYen, d.heldCredits)).replaceWithVoid();
    }

    /** Exactly what was held back, once. */
    private Uni<Void> giveBack(Purchase p, ChargeDispute d) {
        d.returnedAt = clock.instant();
        d.updatedAt = d.returnedAt;
        metrics.counter("billing.disputes", "outcome", "returned").increment();
        LOG.infof("dispute %s of purchase %s: %d credits given back", d.disputeId, p.id, d.heldCredits);
        if (d.heldCredits == 0 && d.heldYen == 0) {
            return Uni.createFrom().voidItem();
        }
        return outbox.publish(EventType.PaymentReinstated, p.tenantId, new PaymentReinstated(p.paymentId(),
                d.disputeId, d.heldYen, d.heldCredits)).replaceWithVoid();
    }
}
