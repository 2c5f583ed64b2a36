package io.hotelcrm.credit.analytics;

import io.hotelcrm.credit.account.AccountService;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.analytics.AnalyticsView.Efficiency;
import io.hotelcrm.credit.analytics.AnalyticsView.FunctionStats;
import io.hotelcrm.credit.analytics.AnalyticsView.PeakDay;
import io.hotelcrm.credit.analytics.AnalyticsView.Period;
import io.hotelcrm.credit.analytics.AnalyticsView.PlanOptimization;
import io.hotelcrm.credit.analytics.AnalyticsView.Spending;
import io.hotelcrm.credit.analytics.AnalyticsView.Usage;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.credit.plan.PlanType;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Usage analytics from the daily roll-up, with plan advice from the configured plan prices. */
@ApplicationScoped
public class AnalyticsService {

    /** Days in the month used for projections. */
    static final int MONTH_DAYS = 30;

    private final AccountService accounts;
    private final CreditConfig config;

    public AnalyticsService(AccountService accounts, CreditConfig config) {
        this.accounts = accounts;
        this.config = config;
    }

    public Uni<AnalyticsView> analyticsOf(String tenantId, LocalDate from, LocalDate to) {
        return accounts.accountOf(tenantId).chain(account -> Panache.withSession(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery("select usage_date, function_type, credits, executions, releases, execution_ms "
                                + "from daily_usage where account_id = ?1 and usage_date between ?2 and ?3", Object[].class)
                        .setParameter(1, account.id).setParameter(2, from).setParameter(3, to).getResultList()))
                .map(rows -> build(account, from, to, rows)));
    }

    private AnalyticsView build(CreditAccount account, LocalDate from, LocalDate to, List<Object[]> rows) {
        int days = (int) ChronoUnit.DAYS.between(from, to) + 1;
        java.util.TreeMap<LocalDate, Long> byDay = new java.util.TreeMap<>();
        java.util.TreeMap<String, long[]> byFunction = new java.util.TreeMap<>(); // credits, executions, releases, ms
        for (Object[] r : rows) {
            LocalDate day = r[0] instanceof Date d ? d.toLocalDate() : (LocalDate) r[0];
            long credits = ((Number) r[2]).longValue();
            byDay.merge(day, credits, Long::sum);
            long[] f = byFunction.computeIfAbsent((String) r[1], k -> new long[4]);
            f[0] += credits;
            f[1] += ((Number) r[3]).longValue();
            f[2] += ((Number) r[4]).longValue();
            f[3] += ((Number) r[5]).longValue();
        }
        long total = byDay.values().stream().mapToLong(Long::longValue).sum();
        double averageDaily = round2(total / (double) days);
        PeakDay peak = byDay.entrySet().stream().filter(e -> e.getValue() > 0)
                .max(java.util.Map.Entry.<LocalDate, Long>comparingByValue().thenComparing(java.util.Map.Entry.comparingByKey()))
                .map(e -> new PeakDay(e.getKey(), e.getValue())).orElse(null);

        long freeInPeriod = Math.round(account.monthlyFreeCredits * days / (double) MONTH_DAYS);
        int score = freeInPeriod == 0 ? 0 : (int) Math.min(100, Math.round(total * 100.0 / freeInPeriod));
        List<FunctionStats> functions = new ArrayList<>();
        byFunction.forEach((name, f) -> functions.add(new FunctionStats(name, f[0],
                f[1] == 0 ? 0 : f[3] / f[1],
                f[1] + f[2] == 0 ? 0 : round1(f[1] * 100.0 / (f[1] + f[2])),
                f[1] == 0 ? 0 : round2(f[0] / (double) f[1]))));
        functions.sort(java.util.Comparator.comparingLong(FunctionStats::totalUsage).reversed());

        long yenPerCredit = config.plan(account.planType).yenPerCredit();
        long projectedCredits = Math.round(averageDaily * MONTH_DAYS);
        long current = projectedCost(account.planType, projectedCredits);
        PlanType best = account.planType;
        for (PlanType plan : PlanType.values()) {
            if (projectedCost(plan, projectedCredits) < projectedCost(best, projectedCredits)) {
                best = plan;
            }
        }
        PlanOptimization optimization = best == account.planType ? null
                : new PlanOptimization(best.name(), current - projectedCost(best, projectedCredits));
        Spending spending = new Spending(total * yenPerCredit, Math.min(total, freeInPeriod) * yenPerCredit, current,
                optimization);
        return new AnalyticsView(new Period(from, to, days),
                new Usage(total, averageDaily, peak, new Efficiency(score, recommendation(score))), functions, spending);
    }

    /** Monthly fee plus the credits beyond the plan's free ones, bought at the plan's yen per credit. */
    long projectedCost(PlanType plan, long monthlyCredits) {
        CreditConfig.Plan p = config.plan(plan);
        return p.monthlyFeeYen() + Math.max(0, monthlyCredits - p.monthlyFreeCredits()) * p.yenPerCredit();
    }

    static String recommendation(int score) {
        if (score < 30) {
            return "無料クレジットの多くが未使用です。AI機能の活用をお勧めします。";
        }
        if (score <= 90) {
            return "無料クレジットを効率よく活用しています。";
        }
        return "無料クレジットを使い切る見込みです。上位プランまたは自動購入をご検討ください。";
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
