package io.hotelcrm.credit.ledger;

import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.audit.AuditLog;
import io.hotelcrm.credit.billing.PlanRules;
import io.hotelcrm.credit.grant.GrantRules;
import io.hotelcrm.credit.hold.HoldRules;
import io.hotelcrm.credit.reset.ResetRules;
import io.hotelcrm.credit.threshold.ThresholdWatcher;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

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

    public LedgerEngine(HoldRules holds, GrantRules grants, ResetRules resets, PlanRules plans,
                        ThresholdWatcher thresholds) {
        this.holds = holds;
        this.grants = grants;
        this.resets = resets;
        this.plans = plans;
        this.thresholds = thresholds;
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
        } else if (op instanceof LedgerOp.Release r) {
            return holds.release(w, r);
        } else if (op instanceof LedgerOp.ExpireHold e) {
            return holds.expire(w, e);
        } else if (op instanceof LedgerOp.Grant g) {
            return grants.grant(w, g);
        } else if (op instanceof LedgerOp.Refund r) {
            return grants.refund(w, r);
        } else if (op instanceof LedgerOp.PaymentFailed f) {
            thresholds.autoPurchaseSettled(w, f.autoPurchaseRequestId());
        } else if (op instanceof LedgerOp.ChangePlan p) {
            plans.changePlan(w, p);
        } else if (op instanceof LedgerOp.SetAutoPurchase s) {
            setAutoPurchase(w, s);
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

    private void setAutoPurchase(AccountWork w, LedgerOp.SetAutoPurchase s) {
        CreditAccount a = w.account();
        Map<String, Object> before = settings(a);
        a.autoPurchaseEnabled = s.enabled();
        a.autoPurchaseThreshold = s.threshold();
        a.autoPurchaseAmount = s.purchaseAmount();
        a.autoPurchasePackageId = s.packageId();
        w.changed();
        thresholds.afterIncrease(w); // re-arm if now above the new threshold
        w.audit(w.context().audit().actionRow(a.tenantId, s.userId(), AuditLog.SETTINGS_CHANGE, "ai_credit_account",
                a.id.toString(), "AUTO_PURCHASE_UPDATED", before, settings(a), w.context().requestId()));
    }

    private static Map<String, Object> settings(CreditAccount a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", a.autoPurchaseEnabled);
        m.put("threshold", a.autoPurchaseThreshold);
        m.put("purchaseAmount", a.autoPurchaseAmount);
        return m;
    }
}
