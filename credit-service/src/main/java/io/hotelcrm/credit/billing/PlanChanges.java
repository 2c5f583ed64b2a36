package io.hotelcrm.credit.billing;

import io.hotelcrm.contracts.billing.PlanChanged;
import io.hotelcrm.credit.account.AccountService;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.account.TenantMonths;
import io.hotelcrm.credit.audit.AuditLog;
import io.hotelcrm.credit.grant.GrantService;
import io.hotelcrm.credit.grant.GrantService.NewGrant;
import io.hotelcrm.credit.grant.GrantSource;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.credit.plan.PlanType;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Map;

/**
 * Plan changes: an upgrade takes effect at once and grants the prorated difference of free credits for
 * the rest of the month; a downgrade waits for the next monthly reset (the tenant paid for this month).
 */
@ApplicationScoped
public class PlanChanges {

    private final AccountService accounts;
    private final GrantService grants;
    private final AuditLog audit;
    private final CreditConfig config;
    private final Clock clock;

    public PlanChanges(AccountService accounts, GrantService grants, AuditLog audit, CreditConfig config, Clock clock) {
        this.accounts = accounts;
        this.grants = grants;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
    }

    Uni<Void> changePlan(String tenantId, PlanChanged change) {
        PlanType next = PlanType.valueOf(change.newPlan());
        return accounts.accountOf(tenantId).chain(a -> CreditAccount.lock(a.id)).chain(account -> {
            PlanType before = account.planType;
            long oldFree = account.monthlyFreeCredits;
            long newFree = config.plan(next).monthlyFreeCredits();
            Uni<Void> effect;
            if (next == before) {
                account.pendingPlanType = null;
                effect = Uni.createFrom().voidItem();
            } else if (newFree > oldFree) {
                account.planType = next;
                account.monthlyFreeCredits = newFree;
                account.pendingPlanType = null;
                effect = prorated(account, newFree - oldFree, change);
            } else {
                account.pendingPlanType = next;
                effect = Uni.createFrom().voidItem();
            }
            return effect.chain(() -> audit.action(tenantId, null, AuditLog.SETTINGS_CHANGE, "ai_credit_account",
                    account.id.toString(), "PLAN_CHANGED", Map.of("planType", before.name()),
                    Map.of("planType", account.planType.name(), "pendingPlanType",
                            String.valueOf(account.pendingPlanType))));
        });
    }

    /** The difference for the rest of the tenant's month: ceil(difference × remaining time / month length). */
    private Uni<Void> prorated(CreditAccount account, long difference, PlanChanged change) {
        ZoneId zone = ZoneId.of(account.timeZone);
        Instant now = clock.instant();
        YearMonth month = YearMonth.from(now.atZone(zone));
        Instant start = TenantMonths.startOf(month, zone);
        Instant end = TenantMonths.endOf(month, zone);
        double left = Duration.between(now, end).toSeconds() / (double) Duration.between(start, end).toSeconds();
        long credits = (long) Math.ceil(difference * left);
        if (credits <= 0) {
            return Uni.createFrom().voidItem();
        }
        String key = "plan-upgrade:" + change.newPlan() + ":" + change.effectiveAt();
        Instant expires = TenantMonths.endOf(month.plusMonths(config.plan(account.planType).rolloverMonths()), zone);
        return grants.addGrant(account, new NewGrant(GrantSource.MONTHLY_FREE, credits, expires, month.toString(),
                TransactionType.MONTHLY_RESET, key, RequestHash.of(key, credits), null,
                "プラン変更 (" + change.previousPlan() + " → " + change.newPlan() + ") の無料クレジット差額")).replaceWithVoid();
    }
}
