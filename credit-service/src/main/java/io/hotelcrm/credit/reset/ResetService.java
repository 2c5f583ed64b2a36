package io.hotelcrm.credit.reset;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.MonthlyResetCompleted;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.account.TenantMonths;
import io.hotelcrm.credit.grant.CreditGrant;
import io.hotelcrm.credit.grant.GrantService;
import io.hotelcrm.credit.grant.GrantService.NewGrant;
import io.hotelcrm.credit.grant.GrantSource;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.platform.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/**
 * The monthly reset (product.md §6, design.md §3): once per account and tenant-local month, keyed by
 * (account, month) with a unique constraint. Everything happens in one transaction under the account
 * lock, so a second run, a concurrent run on another replica, or a run after a crash half-way (rolled
 * back) grants exactly once.
 */
@ApplicationScoped
public class ResetService {

    private final GrantService grants;
    private final Outbox outbox;
    private final CreditConfig config;
    private final Clock clock;

    public ResetService(GrantService grants, Outbox outbox, CreditConfig config, Clock clock) {
        this.grants = grants;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    /** Resets the account for its current tenant-local month, in a transaction of its own. */
    public Uni<MonthlyReset> resetAccount(UUID accountId) {
        return Panache.withTransaction(() -> CreditAccount.lock(accountId).chain(a -> resetLocked(a, true)));
    }

    /**
     * The reset itself; the caller's transaction holds the account lock. Returns the existing row on a
     * re-run. {@code announce} is false for the opening month of a new account: CreditsGranted says it all.
     */
    public Uni<MonthlyReset> resetLocked(CreditAccount account, boolean announce) {
        ZoneId zone = ZoneId.of(account.timeZone);
        YearMonth month = YearMonth.from(clock.instant().atZone(zone));
        return MonthlyReset.<MonthlyReset>find("accountId = ?1 and resetMonth = ?2", account.id, month.toString())
                .firstResult()
                .chain(done -> done != null ? Uni.createFrom().item(done) : newReset(account, month, zone, announce));
    }

    private Uni<MonthlyReset> newReset(CreditAccount account, YearMonth month, ZoneId zone, boolean announce) {
        if (account.pendingPlanType != null) { // a downgrade takes effect with the new month
            account.planType = account.pendingPlanType;
            account.monthlyFreeCredits = config.plan(account.planType).monthlyFreeCredits();
            account.pendingPlanType = null;
        }
        Instant monthStart = TenantMonths.startOf(month, zone);
        YearMonth previous = month.minusMonths(1);
        return grants.expireDue(account)
                .chain(() -> CreditGrant.<CreditGrant>find("accountId = ?1 and source = ?2 and remainingCredits > 0 "
                        + "and expiresAt > ?3", account.id, GrantSource.MONTHLY_FREE, monthStart).list())
                .chain(rolledOver -> lastMonthUsage(account.id, previous)
                        .chain(usage -> {
                            long carried = rolledOver.stream().mapToLong(g -> g.remainingCredits).sum();
                            return apply(account, month, zone, account.currentBalance, carried, usage, announce);
                        }));
    }

    private Uni<MonthlyReset> apply(CreditAccount account, YearMonth month, ZoneId zone, long previousBalance,
                                    long carried, Usage usage, boolean announce) {
        long free = account.monthlyFreeCredits;
        MonthlyReset reset = new MonthlyReset();
        reset.id = UUID.randomUUID();
        reset.accountId = account.id;
        reset.resetMonth = month.toString();
        reset.resetDate = clock.instant();
        reset.previousBalance = previousBalance;
        reset.freeCreditsAdded = free;
        reset.carriedOver = carried;
        reset.lastMonthUsage = usage.credits();
        reset.mostUsedFunction = usage.mostUsed();
        reset.efficiencyScore = efficiency(usage.credits(), free);
        reset.createdAt = reset.resetDate;
        Uni<Void> grant = free == 0 ? Uni.createFrom().voidItem()
                : grants.addGrant(account, freeGrant(account, month, zone)).replaceWithVoid();
        return grant.chain(() -> reset.persist())
                .call(() -> !announce ? Uni.createFrom().nullItem() : outbox.publish(EventType.MonthlyResetCompleted, account.tenantId, new MonthlyResetCompleted(
                        account.id.toString(), reset.resetMonth, account.planType.name(), previousBalance, free, carried,
                        usage.credits(), usage.mostUsed(), reset.efficiencyScore.setScale(0, RoundingMode.HALF_UP).intValue())))
                .replaceWith(reset);
    }

    /** This month's free credits; they expire at the end of the month plus the plan's rollover months. */
    public NewGrant freeGrant(CreditAccount account, YearMonth month, ZoneId zone) {
        int rollover = config.plan(account.planType).rolloverMonths();
        Instant expires = TenantMonths.endOf(month.plusMonths(rollover), zone);
        String key = "monthly-free:" + month;
        return new NewGrant(GrantSource.MONTHLY_FREE, account.monthlyFreeCredits, expires, month.toString(),
                TransactionType.MONTHLY_RESET, key, RequestHash.of(key, account.monthlyFreeCredits), null,
                month + " の無料クレジット");
    }

    /** Free credits used last month as a percentage of the month's free credits, capped at 100. */
    static BigDecimal efficiency(long used, long free) {
        if (free == 0) {
            return BigDecimal.ZERO.setScale(2);
        }
        return BigDecimal.valueOf(Math.min(100.0, used * 100.0 / free)).setScale(2, RoundingMode.HALF_UP);
    }

    private record Usage(long credits, String mostUsed) {
    }

    private Uni<Usage> lastMonthUsage(UUID accountId, YearMonth month) {
        LocalDate from = month.atDay(1);
        LocalDate to = month.atEndOfMonth();
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "select function_type, sum(credits) from daily_usage where account_id = ?1 "
                                + "and usage_date between ?2 and ?3 group by function_type order by 2 desc, 1",
                        Object[].class)
                .setParameter(1, accountId).setParameter(2, from).setParameter(3, to).getResultList())
                .map((List<Object[]> rows) -> new Usage(
                        rows.stream().mapToLong(r -> ((Number) r[1]).longValue()).sum(),
                        rows.isEmpty() || ((Number) rows.get(0)[1]).longValue() == 0 ? null : (String) rows.get(0)[0]));
    }
}
