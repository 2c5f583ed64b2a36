package io.hotelcrm.credit.ledger;

import io.hotelcrm.credit.autopurchase.AutoPurchasePolicy;
import io.hotelcrm.credit.billing.PlanRules;
import io.hotelcrm.credit.grant.GrantRules;
import io.hotelcrm.credit.hold.HoldRules;
import io.hotelcrm.credit.reset.ResetRules;
import io.hotelcrm.credit.threshold.ThresholdWatcher;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What each op does to an account, in memory, on rows read under the account's lock. Every op first
 * brings the account up to date (opening month, a month that turned, grants past their expiry), so no
 * request ever sees last month's credits or a 402 between the month's turn and the reset job.
 */
@ApplicationScoped
public class LedgerEngine {

    private final HoldRules holds;
    private final GrantRules grants;
    private final ResetRules resets;
    private final PlanRules plans;
    private final ThresholdWatcher thresholds;
    private final AutoPurchasePolicy autoPurchase;

    public LedgerEngine(HoldRules holds, GrantRules grants, ResetRules resets, PlanRules plans,
                        ThresholdWatcher thresholds, AutoPurchasePolicy autoPurchase) {
        this.holds = holds;
        this.grants = grants;
        this.resets = resets;
        this.plans = plans;
        this.thresholds = thresholds;
        this.autoPurchase = autoPurchase;
    }

    /**
     * Applies one op; an {@code ApiException} rejects it and it changed nothing but the touch. Whatever the
     * op made available goes to owed credits first.
     */
    Object apply(AccountWork w, LedgerOp op) {
        Object result = applyOp(w, op);
        if (w.settleOwed()) {
            thresholds.afterDecrease(w);
        }
        return result;
    }

    private Object applyOp(AccountWork w, LedgerOp op) {
        touch(w);
        // Java 17: no pattern matching for switch yet, so one instanceof per op kind.
        if (op instanceof LedgerOp.Reserve r) {
            return holds.reserve(w, r);
        } else if (op instanceof LedgerOp.Capture c) {
            return holds.capture(w, c);
        } else if (op instanceof LedgerOp.Charge c) {
            return holds.charge(w, c);
        } else if (op instanceof LedgerOp.Release r) {
            return holds.release(w, r);
        } else if (op instanceof LedgerOp.ExpireHold e) {
            return holds.expire(w, e);
        } else if (op instanceof LedgerOp.Grant g) {
            return grants.grant(w, g);
        } else if (op instanceof LedgerOp.Refund r) {
            return grants.refund(w, r);
        } else if (op instanceof LedgerOp.Reverse r) {
            return grants.reverse(w, r);
        } else if (op instanceof LedgerOp.PaymentFailed f) {
            autoPurchase.failed(w, f.autoPurchaseRequestId(), f.reason());
        } else if (op instanceof LedgerOp.AutoPurchaseOverdue o) {
            return autoPurchase.overdue(w, o.requestId());
        } else if (op instanceof LedgerOp.ChangePlan p) {
            plans.changePlan(w, p);
        } else if (op instanceof LedgerOp.SetAutoPurchase s) {
            return autoPurchase.save(w, s);
        }
        return Boolean.TRUE; // Touch, and the ops that answer nothing
    }

    private void touch(AccountWork w) {
        if (ResetRules.due(w.account(), w.now())) {
            resets.reset(w);
        } else {
            grants.expireDue(w);
        }
    }
}
