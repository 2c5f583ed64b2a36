package io.hotelcrm.billing.purchase;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentRefundFailed;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.platform.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Refunds of every payment method, by what Stripe sends: charge.refunded names the charge, its PaymentIntent (and,
 * in older API versions, its invoice) and the charge's cumulative amount refunded. Each step claws back the
 * credits in proportion, once (PaymentRefunded), and only once the purchase is paid. A step whose purchase is not
 * known yet (an invoice's PaymentIntent arrives with invoice.paid) or not paid yet is parked in
 * {@code pending_refund} and applied by the transaction that makes the purchase paid or attaches its payment
 * ({@link #settle}), so the order in which Stripe delivers webhooks changes nothing.
 */
@ApplicationScoped
public class Refunds {

    public enum Outcome {
        /** Credits come back out now (PaymentRefunded published). */
        APPLIED,
        /** A step already applied (a redelivery, or an older step after a newer one). */
        UNCHANGED,
        /** The payment is not known or not paid yet: parked until it is. */
        PENDING
    }

    /**
     * A refund Stripe reports failed or canceled (charge.refund.updated, refund.updated, refund.failed), after it
     * had been counted in a charge.refunded. {@code purchaseId} from the refund's metadata (our admin refunds).
     */
    public record FailedRefund(String refundId, String chargeId, String paymentIntentId, UUID purchaseId,
                               long amountYen, Instant createdAt, Instant failedAt) {
    }

    /**
     * What charge.refunded says: the charge's cumulative refunded amount at {@code snapshotAt} (the event's time).
     * {@code purchaseId} from metadata, when the charge carries ours.
     */
    public record ChargeRefund(String chargeId, String paymentIntentId, String invoiceId, UUID purchaseId,
                               long refundedYenTotal, Instant snapshotAt) {
    }

    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry metrics;

    public Refunds(Outbox outbox, Clock clock, MeterRegistry metrics) {
        this.outbox = outbox;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Inside the webhook's transaction. */
    public Uni<Outcome> onChargeRefunded(ChargeRefund r, String eventId) {
        return PaymentLocks.lock(r.paymentIntentId(), r.chargeId())
                .chain(() -> find(r))
                .chain(found -> found == null ? park(r, null, eventId)
                        : Purchase.lock(found.id).invoke(p -> remember(p, r))
                                .chain(p -> p.status != PurchaseStatus.SUCCEEDED ? park(r, p.id, eventId)
                                        : step(p, r.chargeId(), r.refundedYenTotal(), r.snapshotAt())
                                                .map(changed -> changed ? Outcome.APPLIED : Outcome.UNCHANGED)))
                .invoke(outcome -> metrics.counter("billing.refunds", "outcome", outcome.name().toLowerCase()).increment());
    }

    /** An invoice purchase found by its invoice learns the PaymentIntent that paid it (paid before we stored it). */
    private void remember(Purchase p, ChargeRefund r) {
        if (p.paymentIntentId == null && r.paymentIntentId() != null && r.invoiceId() != null
                && r.invoiceId().equals(p.invoiceId)) {
            p.paymentIntentId = r.paymentIntentId();
            p.updatedAt = clock.instant();
        }
    }

    private static Uni<Purchase> find(ChargeRefund r) {
        return find(r.purchaseId(), r.paymentIntentId(), r.invoiceId(), r.chargeId());
    }

    /** The purchase a charge's money event names: by our metadata, its PaymentIntent, its invoice, its charge. */
    static Uni<Purchase> find(UUID purchaseId, String paymentIntentId, String invoiceId, String chargeId) {
        Uni<Purchase> byId = purchaseId == null ? Uni.createFrom().nullItem() : Purchase.findById(purchaseId);
        return byId
                .chain(p -> p != null || paymentIntentId == null ? Uni.createFrom().item(p)
                        : Purchase.byPaymentIntent(paymentIntentId))
                .chain(p -> p != null || invoiceId == null ? Uni.createFrom().item(p) : Purchase.byInvoice(invoiceId))
                .chain(p -> p != null || chargeId == null ? Uni.createFrom().item(p) : Purchase.byCharge(chargeId));
    }

    private Uni<Outcome> park(ChargeRefund r, UUID purchaseId, String eventId) {
        // Unknown ids stay SQL nulls: a null bind parameter has no type the reactive driver could send.
        List<Object> values = new ArrayList<>(List.of(r.chargeId(), r.refundedYenTotal(), eventId, clock.instant(),
                r.snapshotAt()));
        StringBuilder columns = new StringBuilder("charge_id, refunded_yen, event_id, received_at, snapshot_at");
        Object[][] optional = {{"payment_intent_id", r.paymentIntentId()}, {"invoice_id", r.invoiceId()},
                {"purchase_id", purchaseId}};
        for (Object[] column : optional) {
            if (column[1] != null) {
                columns.append(", ").append(column[0]);
                values.add(column[1]);
            }
        }
        StringBuilder placeholders = new StringBuilder();
        for (int i = 1; i <= values.size(); i++) {
            placeholders.append(i == 1 ? "" : ", ").append('?').append(i);
        }
        String sql = "insert into pending_refund (" + columns + ") values (" + placeholders + ") on conflict do nothing";
        return Panache.getSession().chain(s -> {
            var insert = s.createNativeQuery(sql);
            for (int i = 0; i < values.size(); i++) {
                insert.setParameter(i + 1, values.get(i));
            }
            return insert.executeUpdate();
        }).replaceWith(Outcome.PENDING);
    }

    /**
     * Applies the parked steps of {@code p}, which the caller holds locked (and its payment ids, see
     * {@link PaymentLocks}) and has just made paid or taught its PaymentIntent or charge. Steps go in ascending
     * order of their cumulative amount, so each publishes its own part.
     */
    Uni<Void> settle(Purchase p) {
        if (p.status != PurchaseStatus.SUCCEEDED) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "select extract(epoch from coalesce(snapshot_at, received_at))::bigint || ':' || charge_id "
                                + "|| ':' || refunded_yen from pending_refund where applied_at is null "
                                + "and (purchase_id = ?1 or payment_intent_id = ?2 or invoice_id = ?3 or charge_id = ?4) "
                                + "order by refunded_yen, charge_id", String.class)
                .setParameter(1, p.id)
                .setParameter(2, p.paymentIntentId == null ? "-" : p.paymentIntentId)
                .setParameter(3, p.invoiceId == null ? "-" : p.invoiceId)
                .setParameter(4, p.chargeId == null ? "-" : p.chargeId)
                .getResultList()).chain(rows -> settle(p, rows, 0));
    }

    private Uni<Void> settle(Purchase p, List<String> rows, int at) {
        if (at == rows.size()) {
            return Uni.createFrom().voidItem();
        }
        String row = rows.get(at);
        Instant snapshotAt = Instant.ofEpochSecond(Long.parseLong(row.substring(0, row.indexOf(':'))));
        String chargeId = row.substring(row.indexOf(':') + 1, row.lastIndexOf(':'));
        long total = Long.parseLong(row.substring(row.lastIndexOf(':') + 1));
        return step(p, chargeId, total, snapshotAt)
                .invoke(changed -> metrics.counter("billing.refunds", "outcome", changed ? "settled" : "settled_unchanged")
                        .increment())
                .chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                                "update pending_refund set applied_at = ?1, purchase_id = ?2 where charge_id = ?3 "
                                        + "and refunded_yen = ?4")
                        .setParameter(1, clock.instant()).setParameter(2, p.id).setParameter(3, chargeId)
                        .setParameter(4, total).executeUpdate()))
                .chain(() -> settle(p, rows, at + 1));
    }

    /**
     * One refund step on a locked, paid purchase: the charge's cumulative refund at {@code snapshotAt}. It is kept
     * (refund_snapshot), and what billing counts as refunded becomes {@link #counted}; what is new comes back out in
     * proportion. False when nothing is new (a redelivery, an older step after a newer one, a refund that failed).
     */
    private Uni<Boolean> step(Purchase p, String chargeId, long refundedYenTotal, Instant snapshotAt) {
        return Panache.getSession().chain(s -> s.createNativeQuery("insert into refund_snapshot (charge_id, refunded_yen, "
                                + "snapshot_at, purchase_id) values (?1, ?2, ?3, ?4) on conflict do nothing")
                        .setParameter(1, chargeId).setParameter(2, refundedYenTotal).setParameter(3, snapshotAt)
                        .setParameter(4, p.id).executeUpdate())
                .chain(() -> counted(p))
                .chain(total -> total <= p.refundedYen ? Uni.createFrom().item(false) : take(p, chargeId, total));
    }

    private Uni<Boolean> take(Purchase p, String chargeId, long total) {
        long creditsTotal = creditsOf(p, total);
        long yen = total - p.refundedYen;
        long credits = creditsTotal - p.refundedCredits;
        p.refundedYen = total;
        p.refundedCredits = creditsTotal;
        p.updatedAt = clock.instant();
        String stepId = chargeId + ":" + total + (p.refundFailures == 0 ? "" : ":" + p.refundFailures);
        return Panache.getSession().chain(s -> s.createNativeQuery("insert into refund_step (step_id, purchase_id, yen, "
                                + "credits, created_at) values (?1, ?2, ?3, ?4, ?5) on conflict do nothing")
                        .setParameter(1, stepId).setParameter(2, p.id).setParameter(3, yen).setParameter(4, credits)
                        .setParameter(5, clock.instant()).executeUpdate())
                .chain(() -> outbox.publish(EventType.PaymentRefunded, p.tenantId, new PaymentRefunded(p.paymentId(),
                        stepId, yen, credits))).replaceWith(true);
    }

    private static long creditsOf(Purchase p, long yen) {
        return yen == p.amountYen ? p.credits : p.credits * yen / p.amountYen;
    }

    /**
     * What of {@code p} is refunded, by state alone: each snapshot billing applied, less the failed refunds it
     * contains — created at or before it and failed after it (a snapshot in the failure's second is taken as later:
     * Stripe fails a refund days after it, and a refund made since then must count) —, the largest of them. The
     * order in which snapshots and failures arrived does not enter; the caller holds the payment's locks.
     */
    private static Uni<Long> counted(Purchase p) {
        return Panache.getSession().chain(s -> s.createNativeQuery("select coalesce(max(greatest(0, s.refunded_yen - "
                                + "(select coalesce(sum(f.refund_yen), 0) from refund_failure f where f.charge_id = s.charge_id "
                                + "and f.refund_created_at <= s.snapshot_at and s.snapshot_at < f.failed_at))), 0) "
                                + "from refund_snapshot s where s.purchase_id = ?1", Long.class)
                        .setParameter(1, p.id).getSingleResult())
                .map(n -> Math.min(((Number) n).longValue(), p.amountYen));
    }

    /**
     * Inside the webhook's transaction: a refund that failed after it succeeded. Once per Stripe refund id it is
     * recorded (refund_failure, with its charge and times, also when the purchase is not known or not paid yet), and
     * what billing counts as refunded is {@link #counted} again: what that takes off — the refund, if a snapshot
     * billing applied counted it — is given back by the steps that took it, newest first, never more than a step
     * took: one {@code PaymentRefundFailed} per step. A refund no applied snapshot counted gives nothing back now and
     * is left out of the snapshot when it comes (UNCHANGED).
     */
    public Uni<Outcome> onRefundFailed(FailedRefund r, String eventId) {
        return PaymentLocks.lock(r.paymentIntentId(), r.chargeId())
                .chain(() -> find(r.purchaseId(), r.paymentIntentId(), null, r.chargeId()))
                .chain(found -> found == null ? record(r, null, eventId).replaceWith(Outcome.UNCHANGED)
                        : Purchase.lock(found.id).chain(p -> record(r, p.id, eventId)
                                .chain(inserted -> !inserted || p.status != PurchaseStatus.SUCCEEDED
                                        ? Uni.createFrom().item(Outcome.UNCHANGED)
                                        : giveBack(p, r))))
                .invoke(outcome -> metrics.counter("billing.refunds.failed", "outcome", outcome.name().toLowerCase())
                        .increment());
    }

    /** The failure, once per Stripe refund id; false when it was recorded before. */
    private Uni<Boolean> record(FailedRefund r, UUID purchaseId, String eventId) {
        // A null bind parameter has no type the reactive driver could send: the purchase column only when known.
        String purchaseColumn = purchaseId == null ? "" : ", purchase_id";
        String purchaseValue = purchaseId == null ? "" : ", ?8";
        return Panache.getSession().chain(s -> {
            var insert = s.createNativeQuery("insert into refund_failure (refund_id, charge_id, refund_yen, "
                            + "refund_created_at, failed_at, yen, credits, event_id, received_at" + purchaseColumn + ") "
                            + "values (?1, ?2, ?3, ?4, ?5, 0, 0, ?6, ?7" + purchaseValue + ") "
                            + "on conflict do nothing")
                    .setParameter(1, r.refundId()).setParameter(2, r.chargeId()).setParameter(3, r.amountYen())
                    .setParameter(4, r.createdAt()).setParameter(5, r.failedAt()).setParameter(6, eventId)
                    .setParameter(7, clock.instant());
            if (purchaseId != null) {
                insert.setParameter(8, purchaseId);
            }
            return insert.executeUpdate();
        }).map(inserted -> inserted > 0);
    }

    private Uni<Outcome> giveBack(Purchase p, FailedRefund r) {
        return counted(p).chain(total -> {
            if (total >= p.refundedYen) {
                return Uni.createFrom().item(Outcome.UNCHANGED); // no applied snapshot counted this refund
            }
            long yen = p.refundedYen - total;
            long creditsTotal = creditsOf(p, total);
            long credits = p.refundedCredits - creditsTotal;
            p.refundedYen = total;
            p.refundedCredits = creditsTotal;
            p.refundFailures++;
            p.updatedAt = clock.instant();
            return Panache.getSession().chain(s -> s.createNativeQuery("update refund_failure set yen = ?2, credits = ?3 "
                                    + "where refund_id = ?1")
                            .setParameter(1, r.refundId()).setParameter(2, yen).setParameter(3, credits).executeUpdate())
                    .chain(() -> giveBack(p, r.refundId(), yen, credits)).replaceWith(Outcome.APPLIED);
        });
    }

    /** The failed refund's yen and credits, attributed to the purchase's steps newest first. */
    private Uni<Void> giveBack(Purchase p, String refundId, long yen, long credits) {
        // One text column per step (<left credits>|<left yen>|<step id>): step ids contain ':' but never '|'.
        return Panache.getSession().chain(s -> s.createNativeQuery("select (credits - reversed_credits) || '|' || "
                                + "(yen - reversed_yen) || '|' || step_id from refund_step where purchase_id = ?1 "
                                + "and (reversed_yen < yen or reversed_credits < credits) order by created_at desc, step_id desc",
                        String.class).setParameter(1, p.id).getResultList())
                .chain(steps -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    long yenLeft = yen;
                    long creditsLeft = credits;
                    for (String row : steps) {
                        if (yenLeft == 0 && creditsLeft == 0) {
                            break;
                        }
                        String[] step = row.split("\\|", 3);
                        String stepId = step[2];
                        long stepCredits = Math.min(creditsLeft, Long.parseLong(step[0]));
                        long stepYen = Math.min(yenLeft, Long.parseLong(step[1]));
                        yenLeft -= stepYen;
                        creditsLeft -= stepCredits;
                        if (stepYen == 0 && stepCredits == 0) {
                            continue;
                        }
                        chain = chain.chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                                                "update refund_step set reversed_yen = reversed_yen + ?2, "
                                                        + "reversed_credits = reversed_credits + ?3 where step_id = ?1")
                                        .setParameter(1, stepId).setParameter(2, stepYen).setParameter(3, stepCredits)
                                        .executeUpdate()))
                                .chain(() -> outbox.publish(EventType.PaymentRefundFailed, p.tenantId,
                                        new PaymentRefundFailed(p.paymentId(), refundId, stepId, stepYen, stepCredits)))
                                .replaceWithVoid();
                    }
                    return chain;
                });
    }
}
