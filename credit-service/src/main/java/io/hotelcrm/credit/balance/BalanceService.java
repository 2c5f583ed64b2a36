package io.hotelcrm.credit.balance;

import io.hotelcrm.credit.account.AccountService;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.account.TenantMonths;
import io.hotelcrm.credit.grant.CreditGrant;
import io.hotelcrm.credit.grant.GrantService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Date;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Reads a tenant's balance and recent usage. */
@ApplicationScoped
public class BalanceService {

    /** Days of history behind dailyUsage and estimatedDaysLeft. */
    static final int USAGE_WINDOW_DAYS = 30;

    private final AccountService accounts;
    private final GrantService grants;
    private final Clock clock;

    public BalanceService(AccountService accounts, GrantService grants, Clock clock) {
        this.accounts = accounts;
        this.grants = grants;
        this.clock = clock;
    }

    public Uni<BalanceView> balanceOf(String tenantId) {
        return accounts.accountOf(tenantId)
                .chain(account -> expireIfDue(account))
                .chain(account -> Panache.withSession(() -> view(account)));
    }

    /** A grant past its expiry leaves the balance before anyone reads it, not when the sweeper next runs. */
    private Uni<CreditAccount> expireIfDue(CreditAccount account) {
        return Panache.withSession(() -> CreditGrant.count("accountId = ?1 and remainingCredits > 0 and expiresAt <= ?2",
                        account.id, clock.instant()))
                .chain(due -> due == 0 ? Uni.createFrom().item(account)
                        : Panache.withTransaction(() -> CreditAccount.lock(account.id)
                                .call(grants::expireDue)));
    }

    private Uni<BalanceView> view(CreditAccount account) {
        ZoneId zone = ZoneId.of(account.timeZone);
        Instant now = clock.instant();
        Instant monthStart = TenantMonths.startOf(YearMonth.from(now.atZone(zone)), zone);
        LocalDate today = LocalDate.ofInstant(now, zone);

        Uni<List<CreditGrant>> grants = CreditGrant.<CreditGrant>find(
                "accountId = ?1 and remainingCredits > 0 and (expiresAt is null or expiresAt > ?2) "
                        + "order by expiresAt nulls last, createdAt", account.id, now).list();
        LocalDate monthFirstDay = LocalDate.ofInstant(monthStart, zone);
        LocalDate windowFirstDay = today.minusDays(USAGE_WINDOW_DAYS - 1L);
        // Read from the daily roll-up kept with each capture, not from the ledger: fast on large ledgers.
        Uni<List<Object[]>> byFunction = Panache.getSession().chain(s -> s.createNativeQuery(
                        "select function_type, sum(credits) from daily_usage where account_id = ?1 and usage_date >= ?2 "
                                + "group by function_type having sum(credits) > 0 order by 2 desc, 1", Object[].class)
                .setParameter(1, account.id).setParameter(2, monthFirstDay).getResultList());
        Uni<List<Object[]>> byDay = Panache.getSession().chain(s -> s.createNativeQuery(
                        "select usage_date, sum(credits) from daily_usage where account_id = ?1 and usage_date >= ?2 "
                                + "group by usage_date order by usage_date", Object[].class)
                .setParameter(1, account.id).setParameter(2, windowFirstDay).getResultList());

        return grants.chain(g -> byFunction.chain(f -> byDay.map(d -> assemble(account, g, f, d))));
    }

    private BalanceView assemble(CreditAccount a, List<CreditGrant> grants, List<Object[]> byFunction,
                                 List<Object[]> byDay) {
        long usedThisMonth = byFunction.stream().mapToLong(r -> ((Number) r[1]).longValue()).sum();
        List<BalanceView.FunctionUsage> top = new ArrayList<>();
        for (Object[] row : byFunction) {
            long credits = ((Number) row[1]).longValue();
            double pct = usedThisMonth == 0 ? 0 : Math.round(credits * 1000.0 / usedThisMonth) / 10.0;
            top.add(new BalanceView.FunctionUsage((String) row[0], credits, pct));
        }
        List<BalanceView.DailyUsage> daily = new ArrayList<>();
        long windowUsage = 0;
        for (Object[] row : byDay) {
            long credits = ((Number) row[1]).longValue();
            windowUsage += credits;
            daily.add(new BalanceView.DailyUsage(toLocalDate(row[0]), credits));
        }
        long available = a.available();
        Long daysLeft = windowUsage == 0 ? null
                : (long) Math.floor(available / (windowUsage / (double) USAGE_WINDOW_DAYS));
        List<BalanceView.GrantBucket> buckets = grants.stream()
                .map(g -> new BalanceView.GrantBucket(g.source.name(), g.remainingCredits, g.expiresAt)).toList();
        return new BalanceView(
                new BalanceView.Account(a.id.toString(), a.tenantId, a.planType.name()),
                new BalanceView.Balance(available, a.monthlyFreeCredits, usedThisMonth, a.totalPurchased, daysLeft,
                        a.heldCredits, a.currentBalance, buckets),
                new BalanceView.AutoPurchase(a.autoPurchaseEnabled, a.autoPurchaseThreshold, a.autoPurchaseAmount),
                new BalanceView.Usage(top, daily));
    }

    private static LocalDate toLocalDate(Object value) {
        if (value instanceof LocalDate d) {
            return d;
        }
        if (value instanceof Date d) {
            return d.toLocalDate();
        }
        return LocalDate.parse(value.toString());
    }
}
