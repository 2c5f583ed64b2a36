package io.hotelcrm.credit.reset;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.MonthlyResetCompleted;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.account.TenantMonths;
import io.hotelcrm.credit.grant.GrantRules;
import io.hotelcrm.credit.grant.GrantSource;
import io.hotelcrm.credit.ledger.AccountWork;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.credit.threshold.ThresholdWatcher;
import io.hotelcrm.platform.idempotency.RequestHash;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.util.UUID;

/**
 * The monthly reset (product.md §6, design.md §3), applied by the ledger the first time an account is
 * touched in a new tenant-local month — by a request or by the reset job, whichever comes first. The
 * account's {@code reset_month}, read under its lock, makes it once per month; the unique
 * (account, month) row is the last line of defence.
 */
@ApplicationScoped
public class ResetRules {

    private final GrantRules grants;
    private final ThresholdWatcher thresholds;
    private final CreditConfig config;

    public ResetRules(GrantRules grants, ThresholdWatcher thresholds, CreditConfig config) {
        this.grants = grants;
        this.thresholds = thresholds;
        this.config = config;
    }

    /** Whether the account's month has turned since its last reset (or it was just opened); never backwards. */
    public static boolean due(CreditAccount account, Instant now) {
        return account.resetMonth == null || currentMonth(account, now).toString().compareTo(account.resetMonth) > 0;
    }

    public static YearMonth currentMonth(CreditAccount account, Instant now) {
        return YearMonth.from(now.atZone(java.time.ZoneId.of(account.timeZone)));
    }

    /** Resets the account for its current month; a new account gets its opening month without an announcement. */
    public void reset(AccountWork w) {
        CreditAccount account = w.account();
        boolean opening = account.resetMonth == null;
        YearMonth month = currentMonth(account, w.now());
        if (account.pendingPlanType != null) { // a downgrade takes effect with the new month
            account.planType = account.pendingPlanType;
            account.monthlyFreeCredits = config.plan(account.planType).monthlyFreeCredits();
            account.pendingPlanType = null;
        }
        boolean expired = grants.expireDueUnannounced(w);
        Instant monthStart = TenantMonths.startOf(month, w.zone());
        long carried = w.liveGrants().stream()
                .filter(g -> g.source == GrantSource.MONTHLY_FREE && g.expiresAt != null && g.expiresAt.isAfter(monthStart))
                .mapToLong(g -> g.remainingCredits).sum();
        AccountWork.MonthUsage usage = w.lastMonthUsage() == null ? new AccountWork.MonthUsage(0, null) : w.lastMonthUsage();
        long previousBalance = account.currentBalance;
        long free = account.monthlyFreeCredits;
        if (free > 0) {
            int rollover = config.plan(account.planType).rolloverMonths();
            String key = "monthly-free:" + month;
            w.credit(GrantSource.MONTHLY_FREE, free, TenantMonths.endOf(month.plusMonths(rollover), w.zone()),
                    month.toString(), TransactionType.MONTHLY_RESET, key, RequestHash.of(key, free), null,
                    month + " の無料クレジット");
        }
        MonthlyReset reset = new MonthlyReset();
        reset.id = UUID.randomUUID();
        reset.accountId = account.id;
        reset.resetMonth = month.toString();
        reset.resetDate = w.now();
        reset.previousBalance = previousBalance;
        reset.freeCreditsAdded = free;
        reset.carriedOver = carried;
        reset.lastMonthUsage = usage.credits();
        reset.mostUsedFunction = usage.mostUsed();
        reset.efficiencyScore = efficiency(usage.credits(), free);
        reset.createdAt = w.now();
        w.addReset(reset);
        account.resetMonth = month.toString();
        w.changed();
        // The thresholds judge the balance the reset leaves, not the moment between expiry and the new grant
        thresholds.afterIncrease(w);
        if (expired) {
            thresholds.afterDecrease(w);
        }
        if (!opening) {
            w.publish(EventType.MonthlyResetCompleted, new MonthlyResetCompleted(account.id.toString(),
                    reset.resetMonth, account.planType.name(), previousBalance, free, carried, usage.credits(),
                    usage.mostUsed(), reset.efficiencyScore.setScale(0, RoundingMode.HALF_UP).intValue()));
        }
    }

    /** Free credits used last month as a percentage of the month's free credits, capped at 100. */
    static BigDecimal efficiency(long used, long free) {
        if (free == 0) {
            return BigDecimal.ZERO.setScale(2);
        }
        return BigDecimal.valueOf(Math.min(100.0, used * 100.0 / free)).setScale(2, RoundingMode.HALF_UP);
    }
}
