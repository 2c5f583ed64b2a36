package io.hotelcrm.credit.grant;

import io.hotelcrm.credit.autopurchase.AutoPurchasePolicy;
import io.hotelcrm.credit.ledger.AccountWork;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.ledger.LedgerTransaction;
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
        boolean any = false;
        for (CreditGrant g : w.liveGrants()) {
            if (g.expiresAt != null && !g.expiresAt.isAfter(w.now())) {
                any |= w.expire(g, g.remainingCredits) > 0;
            }
        }
        if (any) {
            thresholds.afterDecrease(w);
        }
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
        List<CreditGrant> paid = w.liveGrants().stream().filter(g -> op.paymentId().equals(g.reference)).toList();
        LedgerTransaction tx = w.clawBack(paid, op.credits(), op.paymentId(), op.idempotencyKey(), op.description());
        if (tx == null) {
            return 0;
        }
        thresholds.afterDecrease(w);
        return -tx.creditsAmount;
    }
}
