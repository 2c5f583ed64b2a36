package io.hotelcrm.credit.grant;

import io.hotelcrm.credit.autopurchase.AutoPurchasePolicy;
import io.hotelcrm.credit.ledger.AccountWork;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.ledger.LedgerTransaction;
import io.hotelcrm.credit.ledger.OwedCredit;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.credit.threshold.ThresholdWatcher;
import io.hotelcrm.platform.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Credit buckets: adding, expiring and clawing back, applied by the ledger to a locked account. */
@ApplicationScoped
public class GrantRules {

    private final ThresholdWatcher thresholds;
    private final AutoPurchasePolicy autoPurchase;

    public GrantRules(ThresholdWatcher thresholds, AutoPurchasePolicy autoPurchase) {
        this.thresholds = thresholds;
        this.autoPurchase = autoPurchase;
    }

    /** A grant, once per idempotency key: a replay answers the first entry, other content is 409. */
    public LedgerTransaction grant(AccountWork w, LedgerOp.Grant op) {
        LedgerTransaction existing = w.entryByKey(op.idempotencyKey());
        if (existing != null) {
            if (existing.requestHash == null || !existing.requestHash.equals(op.requestHash())) {
                throw ApiException.idempotencyConflict(op.idempotencyKey());
            }
            return existing;
        }
        autoPurchase.succeeded(w, op.settlesAutoPurchase());
        LedgerTransaction tx = w.credit(op.source(), op.credits(), op.expiresAt(), op.reference(),
                op.transactionType(), op.idempotencyKey(), op.requestHash(), op.userId(), op.description());
        thresholds.afterIncrease(w);
        return tx;
    }

    /**
     * Expires what is due: each expired grant's rest leaves the balance with an EXPIRY entry. Credits
     * still reserved by pending holds are spared until the hold resolves (available never goes below
     * zero); a later touch expires them.
     */
    public void expireDue(AccountWork w) {
        if (expireDueUnannounced(w)) {
            thresholds.afterDecrease(w);
        }
    }

    /**
     * Expires what is due without judging the thresholds, for the monthly reset: its new grant follows in the
     * same transaction, and the balance between the two (often 0) is no low balance to alert or top up.
     */
    public boolean expireDueUnannounced(AccountWork w) {
        boolean any = false;
        for (CreditGrant g : w.liveGrants()) {
            if (g.expiresAt != null && !g.expiresAt.isAfter(w.now())) {
                any |= w.expire(g, g.remainingCredits) > 0;
            }
        }
        return any;
    }

    /**
     * Takes back up to the refunded credits from what is left of the payment's grants; spent credits stay
     * spent and held credits are spared. Once per refund id.
     */
    public long refund(AccountWork w, LedgerOp.Refund op) {
        LedgerTransaction existing = w.entryByKey(op.idempotencyKey());
        if (existing != null) {
            return -existing.creditsAmount;
        }
        if (w.owedFor(op.idempotencyKey()) != null) {
            return 0; // applied before, and all it could not take is owed (no entry: it took nothing)
        }
        List<CreditGrant> paid = w.liveGrants().stream().filter(g -> op.paymentId().equals(g.reference)).toList();
        LedgerTransaction tx = w.clawBack(paid, op.credits(), op.paymentId(), op.idempotencyKey(), op.description());
        if (tx == null) {
            return 0;
        }
        thresholds.afterDecrease(w);
        return -tx.creditsAmount;
    }

    /**
     * Undoes (part of) a refund or dispute hold-back whose money never left: of the op's credits, what the source
     * still owes is cancelled first, and the rest is given back — at most what the source took (its entry plus what
     * later credits settled of its owed part) less what earlier reversals of it gave back — as a PURCHASE grant of
     * the payment (a later refund of the payment finds it). Cancelling first keeps a give-back from being eaten by
     * the source's own debt, and the running total keeps a step that combined two refunds, undone by both failures,
     * from giving back more than it took in all. Once per key; nothing given when it took nothing.
     */
    public long reverse(AccountWork w, LedgerOp.Reverse op) {
        LedgerTransaction existing = w.entryByKey(op.idempotencyKey());
        if (existing != null) {
            return existing.creditsAmount;
        }
        LedgerTransaction took = w.entryByKey(op.sourceKey());
        OwedCredit owed = w.owedFor(op.sourceKey());
        long taken = (took == null ? 0 : -took.creditsAmount) + (owed == null ? 0 : owed.settled());
        long cancelled = w.cancelOwed(op.sourceKey(), op.credits(), op.idempotencyKey());
        long back = Math.max(0, Math.min(op.credits() - cancelled, taken - w.givenBackFor(op.sourceKey())));
        if (back <= 0) {
            return 0;
        }
        w.reverses(w.credit(GrantSource.PURCHASE, back, null, op.paymentId(), TransactionType.PURCHASE,
                op.idempotencyKey(), RequestHash.of(op.idempotencyKey(), back), null,
                op.description() + " " + back + " クレジット (" + op.paymentId() + ")"), op.sourceKey());
        thresholds.afterIncrease(w);
        return back;
    }
}
