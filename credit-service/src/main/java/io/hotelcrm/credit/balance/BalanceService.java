package io.hotelcrm.credit.balance;

import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a tenant's balance and recent usage in one statement (the reactive client, not Hibernate: this
 * is the most frequent read). An account that is not opened yet, whose month turned or that holds a
 * grant past its expiry is first brought up to date by the ledger, so nobody reads a stale balance.
 */
@ApplicationScoped
public class BalanceService {

    /** Days of history behind dailyUsage and estimatedDaysLeft. */
    static final int USAGE_WINDOW_DAYS = 30;

    private static final String READ = "select a.id, a.tenant_id, a.plan_type, a.monthly_free_credits, "
            + "a.current_balance, a.held_credits, a.owed_credits, a.total_purchased, a.auto_purchase_enabled, a.auto_purchase_threshold, "
            + "a.auto_purchase_amount, a.auto_purchase_mode, a.auto_purchase_package_id, a.auto_purchase_target, "
            + "a.auto_purchase_cap_credits, a.auto_purchase_cap_yen, a.auto_purchase_request_id is not null as auto_in_flight, "
            + "a.auto_purchase_failures, a.auto_purchase_last_failure, "
            + "coalesce(a.auto_purchase_month = to_char($2 at time zone a.time_zone, 'YYYY-MM'), false) as auto_month_current, "
            + "a.auto_purchase_month_credits, a.auto_purchase_month_yen, "
            + "coalesce(a.reset_month >= to_char($2 at time zone a.time_zone, 'YYYY-MM'), false) as month_current, "
            + "exists (select 1 from credit_grants g where g.account_id = a.id and g.remaining_credits > 0 "
            + "  and g.expires_at <= $2) as grants_due, "
            + "(select coalesce(json_agg(json_build_array(g.source, g.remaining_credits, g.expires_at) "
            + "  order by g.expires_at nulls last, g.created_at), '[]') from credit_grants g "
            + "  where g.account_id = a.id and g.remaining_credits > 0) as grants, "
            + "(select coalesce(json_agg(json_build_array(u.function_type, u.credits) order by u.credits desc, "
            + "  u.function_type), '[]') from (select function_type, sum(credits) credits from daily_usage "
            + "  where account_id = a.id and usage_date >= date_trunc('month', $2 at time zone a.time_zone)::date "
            + "  group by function_type having sum(credits) > 0) u) as by_function, "
            + "(select coalesce(json_agg(json_build_array(d.usage_date, d.credits) order by d.usage_date), '[]') "
            + "  from (select usage_date, sum(credits) credits from daily_usage where account_id = a.id "
            + "  and usage_date >= ($2 at time zone a.time_zone)::date - " + (USAGE_WINDOW_DAYS - 1)
            + "  group by usage_date) d) as by_day "
            + "from ai_credit_accounts a where a.tenant_id = $1";

    private final Pool pool;
    private final Ledger ledger;
    private final Clock clock;

    public BalanceService(Pool pool, Ledger ledger, Clock clock) {
        this.pool = pool;
        this.ledger = ledger;
        this.clock = clock;
    }

    public Uni<BalanceView> balanceOf(String tenantId) {
        return read(tenantId).chain(row -> row != null && row.getBoolean("month_current") && !row.getBoolean("grants_due")
                ? Uni.createFrom().item(row)
                : ledger.submit(new LedgerOp.Touch(tenantId)).chain(() -> read(tenantId)))
                .map(BalanceService::view);
    }

    private Uni<Row> read(String tenantId) {
        return pool.preparedQuery(READ)
                .execute(Tuple.of(tenantId, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)))
                .map(rows -> {
                    Iterator<Row> it = rows.iterator();
                    return it.hasNext() ? it.next() : null;
                });
    }

    private static BalanceView view(Row row) {
        JsonArray byFunction = row.getJsonArray("by_function");
        long usedThisMonth = 0;
        for (int i = 0; i < byFunction.size(); i++) {
            usedThisMonth += byFunction.getJsonArray(i).getLong(1);
        }
        List<BalanceView.FunctionUsage> top = new ArrayList<>();
        for (int i = 0; i < byFunction.size(); i++) {
            JsonArray f = byFunction.getJsonArray(i);
            long credits = f.getLong(1);
            double pct = usedThisMonth == 0 ? 0 : Math.round(credits * 1000.0 / usedThisMonth) / 10.0;
            top.add(new BalanceView.FunctionUsage(f.getString(0), credits, pct));
        }
        JsonArray byDay = row.getJsonArray("by_day");
        List<BalanceView.DailyUsage> daily = new ArrayList<>();
        long windowUsage = 0;
        for (int i = 0; i < byDay.size(); i++) {
            JsonArray d = byDay.getJsonArray(i);
            windowUsage += d.getLong(1);
            daily.add(new BalanceView.DailyUsage(LocalDate.parse(d.getString(0)), d.getLong(1)));
        }
        JsonArray grants = row.getJsonArray("grants");
        List<BalanceView.GrantBucket> buckets = new ArrayList<>();
        for (int i = 0; i < grants.size(); i++) {
            JsonArray g = grants.getJsonArray(i);
            String expires = g.getString(2);
            buckets.add(new BalanceView.GrantBucket(g.getString(0), g.getLong(1),
                    expires == null ? null : OffsetDateTime.parse(expires).toInstant()));
        }
        long balance = row.getLong("current_balance");
        long held = row.getLong("held_credits");
        long available = balance - held;
        Long daysLeft = windowUsage == 0 ? null
                : (long) Math.floor(available / (windowUsage / (double) USAGE_WINDOW_DAYS));
        return new BalanceView(
                new BalanceView.Account(row.getUUID("id").toString(), row.getString("tenant_id"), row.getString("plan_type")),
                new BalanceView.Balance(available, row.getLong("monthly_free_credits"), usedThisMonth,
                        row.getLong("total_purchased"), daysLeft, held, balance, buckets, row.getLong("owed_credits")),
                autoPurchase(row),
                new BalanceView.Usage(top, daily));
    }

    private static BalanceView.AutoPurchase autoPurchase(Row row) {
        boolean monthCurrent = row.getBoolean("auto_month_current");
        return new BalanceView.AutoPurchase(row.getBoolean("auto_purchase_enabled"),
                row.getLong("auto_purchase_threshold"), row.getLong("auto_purchase_amount"),
                row.getString("auto_purchase_mode"), row.getString("auto_purchase_package_id"),
                row.getLong("auto_purchase_target"), row.getLong("auto_purchase_cap_credits"),
                row.getLong("auto_purchase_cap_yen"),
                new BalanceView.AutoPurchaseState(row.getBoolean("auto_in_flight"), row.getInteger("auto_purchase_failures"),
                        row.getString("auto_purchase_last_failure"),
                        monthCurrent ? row.getLong("auto_purchase_month_credits") : 0,
                        monthCurrent ? row.getLong("auto_purchase_month_yen") : 0));
    }
}
