package io.hotelcrm.credit.balance;

import io.hotelcrm.credit.account.AccountService;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.account.TenantMonths;
import io.hotelcrm.credit.grant.CreditGrant;
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
    private final Clock clock;

    public BalanceService(AccountService accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    public Uni<BalanceView> balanceOf(String tenantId) {
        return accounts.accountOf(tenantId)
                .chain(account -> Panache.withSession(() -> view(account)));
    }

    private Uni<BalanceView> view(CreditAccount account) {
        ZoneId zone = ZoneId.of(account.timeZone);
        Instant now = clock.instant();
        Instant monthStart = TenantMonths.startOf(YearMonth.from(now.atZone(zone)), zone);
        LocalDate today = LocalDate.ofInstant(now, zone);
        Instant windowStart = today.minusDays(USAGE_WINDOW_DAYS - 1L).atStartOfDay(zone).toInstant();

        Uni<List<CreditGrant>> grants = CreditGrant.<CreditGrant>find(
                "accountId = ?1 and remainingCredits > 0 and (expiresAt is null or expiresAt > ?2) "
                        + "order by expiresAt nulls last, createdAt", account.id, now).list();
        Uni<List<Object[]>> byFunction = Panache.getSession().chain(s -> s.createNativeQuery(
                        "select ai_function_type, -sum(credits_amount) from ai_credit_transactions "
                                + "where account_id = ?1 and transaction_type = 'USAGE' and created_at >= ?2 "
                                + "group by ai_function_type order by 2 desc", Object[].class)
                .setParameter(1, account.id).setParameter(2, monthStart).getResultList());
        Uni<List<Object[]>> byDay = Panache.getSession().chain(s -> s.createNativeQuery(
                        "select cast(created_at at time zone ?3 as date), -sum(credits_amount) from ai_credit_transactions "
                                + "where account_id = ?1 and transaction_type = 'USAGE' and created_at >= ?2 "
                                + "group by 1 order by 1", Object[].class)
                .setParameter(1, account.id).setParameter(2, windowStart).setParameter(3, zone.getId())
                .getResultList());

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
