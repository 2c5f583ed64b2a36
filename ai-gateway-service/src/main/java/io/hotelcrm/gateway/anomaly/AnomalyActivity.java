package io.hotelcrm.gateway.anomaly;

import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.platform.persistence.Transient;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each user's activity per function and clock hour in PostgreSQL ({@code anomaly_activity}), and the
 * tenant baseline computed from it. The baseline covers the window before the current hour only, so it
 * cannot change within an hour: it is computed once per tenant and hour and kept in memory.
 */
@ApplicationScoped
public class AnomalyActivity {

    /** Keeps at most this many tenant baselines in memory; the map is cleared when it grows beyond. */
    static final int CACHE_MAX = 10_000;

    private final Pool pool;
    private final AnomalyConfig config;
    private final Duration databaseTimeout;
    private final Map<String, AnomalyScorer.Baseline> cache = new ConcurrentHashMap<>();

    public AnomalyActivity(Pool pool, GatewayConfig config) {
        this.pool = pool;
        this.config = config.anomaly();
        this.databaseTimeout = config.databaseTimeout();
    }

    /**
     * Counts one request, and counts it as let through (an execution with its volume) in the same statement:
     * nearly every request is, and one round trip per request is what scoring may cost. A request that is
     * then blocked is taken back out by {@link #withdrawExecution}. Returns the user's requests in this hour
     * over all functions, this one included.
     */
    public Uni<Long> countRequest(String tenant, String user, String function, Instant hourStart, long volume) {
        return pool.preparedQuery("""
                        with up as (
                            insert into anomaly_activity
                                (tenant_id, user_id, function_type, hour_start, attempts, executions, volume_sum)
                            values ($1, $2, $3, $4, 1, 1, $5)
                            on conflict (tenant_id, user_id, function_type, hour_start)
                            do update set attempts = anomaly_activity.attempts + 1,
                                executions = anomaly_activity.executions + 1,
                                volume_sum = anomaly_activity.volume_sum + $5
                            returning attempts)
                        select ((select attempts from up) + coalesce((select sum(attempts) from anomaly_activity
                            where tenant_id = $1 and user_id = $2 and hour_start = $4 and function_type <> $3), 0))::bigint""")
                .execute(Tuple.of(tenant, user, function, utc(hourStart), volume))
                .map(rows -> rows.iterator().next().getLong(0))
                .plug(this::bounded);
    }

    /** A blocked request was not let through: it stays an attempt, not part of later hours' baseline. */
    public Uni<Void> withdrawExecution(String tenant, String user, String function, Instant hourStart, long volume) {
        return pool.preparedQuery("""
                        update anomaly_activity set executions = executions - 1, volume_sum = volume_sum - $5
                        where tenant_id = $1 and user_id = $2 and function_type = $3 and hour_start = $4""")
                .execute(Tuple.of(tenant, user, function, utc(hourStart), volume))
                .replaceWithVoid()
                .plug(this::bounded);
    }

    /** The tenant's baseline over {@code baselineDays} before {@code hourStart}. */
    public Uni<AnomalyScorer.Baseline> baseline(String tenant, Instant hourStart) {
        String key = tenant + "@" + hourStart.getEpochSecond();
        AnomalyScorer.Baseline cached = cache.get(key);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        Tuple window = Tuple.of(tenant, utc(hourStart.minusSeconds(86_400L * config.baselineDays())), utc(hourStart));
        Uni<long[]> totals = pool.preparedQuery("""
                        select coalesce(sum(executions), 0)::bigint,
                               (select count(*) from (select 1 from anomaly_activity
                                   where tenant_id = $1 and hour_start >= $2 and hour_start < $3 and executions > 0
                                   group by user_id, hour_start) h)::bigint
                        from anomaly_activity where tenant_id = $1 and hour_start >= $2 and hour_start < $3""")
                .execute(window).map(rows -> {
                    Row r = rows.iterator().next();
                    return new long[] {r.getLong(0), r.getLong(1)};
                });
        Uni<long[]> byHour = pool.preparedQuery("""
                        select extract(hour from hour_start at time zone $4)::int, sum(executions)::bigint
                        from anomaly_activity where tenant_id = $1 and hour_start >= $2 and hour_start < $3
                        group by 1""")
                .execute(Tuple.of(window.getValue(0), window.getValue(1), window.getValue(2), config.zone().getId()))
                .map(rows -> {
                    long[] hours = new long[24];
                    rows.forEach(r -> hours[r.getInteger(0)] += r.getLong(1));
                    return hours;
                });
        Uni<Map<String, Double>> volume = pool.preparedQuery("""
                        select function_type, sum(volume_sum)::bigint, sum(executions)::bigint
                        from anomaly_activity where tenant_id = $1 and hour_start >= $2 and hour_start < $3
                        group by function_type""")
                .execute(window).map(rows -> {
                    Map<String, Double> means = new HashMap<>();
                    rows.forEach(r -> {
                        if (r.getLong(2) > 0) {
                            means.put(r.getString(0).toLowerCase(), (double) r.getLong(1) / r.getLong(2));
                        }
                    });
                    return means;
                });
        return Uni.combine().all().unis(totals, byHour, volume).asTuple().map(t -> {
            AnomalyScorer.Baseline b = new AnomalyScorer.Baseline(t.getItem1()[0], t.getItem1()[1], t.getItem2(),
                    Map.copyOf(t.getItem3()));
            if (cache.size() >= CACHE_MAX) {
                cache.clear();
            }
            cache.keySet().removeIf(k -> Long.parseLong(k.substring(k.lastIndexOf('@') + 1)) < hourStart.getEpochSecond());
            cache.put(key, b);
            return b;
        }).plug(this::bounded);
    }

    /** Scoring waits for the database no longer than any other step: a stalled PostgreSQL is a 503. */
    private <T> Uni<T> bounded(Uni<T> query) {
        return Transient.bounded(query, databaseTimeout);
    }

    /** Activity older than the baseline window (and a day's margin) is no longer needed. */
    public Uni<Integer> deleteBefore(Instant cutoff) {
        return pool.preparedQuery("delete from anomaly_activity where hour_start < $1")
                .execute(Tuple.of(utc(cutoff))).map(rows -> rows.rowCount());
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
