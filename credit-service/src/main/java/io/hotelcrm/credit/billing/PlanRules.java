package io.hotelcrm.credit.billing;

import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.account.TenantMonths;
import io.hotelcrm.credit.audit.AuditLog;
import io.hotelcrm.credit.grant.GrantSource;
import io.hotelcrm.credit.ledger.AccountWork;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.credit.plan.PlanType;
import io.hotelcrm.credit.threshold.ThresholdWatcher;
import io.hotelcrm.platform.idempotency.RequestHash;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Map;

/**
 * Plan changes: an upgrade takes effect at once and grants the prorated difference of free credits for
 * the rest of the month; a downgrade waits for the next monthly reset (the tenant paid for this month).
 */
@ApplicationScoped
public class PlanRules {

    private final ThresholdWatcher thresholds;
    private final CreditConfig config;

    public PlanRules(ThresholdWatcher thresholds, CreditConfig config) {
        this.thresholds = thresholds;
        this.config = config;
    }

    public void changePlan(AccountWork w, LedgerOp.ChangePlan op) {
        CreditAccount account = w.account();
        PlanType before = account.planType;
        PlanType next = op.newPlan();
        long oldFree = account.monthlyFreeCredits;
        long newFree = config.plan(next).monthlyFreeCredits();
        if (next == before) {
            account.pendingPlanType = null;
        } else if (newFree > oldFree) {
            account.planType = next;
            account.monthlyFreeCredits = newFree;
            account.pendingPlanType = null;
            prorated(w, newFree - oldFree, op);
        } else {
            account.pendingPlanType = next;
        }
        w.changed();
        w.audit(w.context().audit().actionRow(account.tenantId, null, AuditLog.SETTINGS_CHANGE, "ai_credit_account",
                account.id.toString(), "PLAN_CHANGED", Map.of("planType", before.name()),
                Map.of("planType", account.planType.name(), "pendingPlanType", String.valueOf(account.pendingPlanType)),
                w.context().requestId()));
    }

    /** The difference for the rest of the tenant's month: ceil(difference × remaining time / month length). */
    private void prorated(AccountWork w, long difference, LedgerOp.ChangePlan op) {
        Instant now = w.now();
        YearMonth month = YearMonth.from(now.atZone(w.zone()));
        Instant start = TenantMonths.startOf(month, w.zone());
        Instant end = TenantMonths.endOf(month, w.zone());
        double left = Duration.between(now, end).toSeconds() / (double) Duration.between(start, end).toSeconds();
        long credits = (long) Math.ceil(difference * left);
        if (credits <= 0) {
            return;
        }
        String key = "plan-upgrade:" + op.newPlan() + ":" + op.effectiveAt();
        Instant expires = TenantMonths.endOf(month.plusMonths(config.plan(w.account().planType).rolloverMonths()),
                w.zone());
        w.credit(GrantSource.MONTHLY_FREE, credits, expires, month.toString(), TransactionType.MONTHLY_RESET, key,
                RequestHash.of(key, credits), null,
                "プラン変更 (" + op.previousPlan() + " → " + op.newPlan() + ") の無料クレジット差額");
        thresholds.afterIncrease(w);
    }
}
