package io.hotelcrm.platform.limits;

import io.hotelcrm.platform.health.DependencyProbe;
import io.hotelcrm.platform.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Counts a tenant's request in the fixed, clock-aligned minute of every group whose rules match it, in one Redis
 * round trip (a script: INCR each key, PEXPIRE on the first hit), and refuses it with 429 RATE_LIMIT_EXCEEDED
 * and Retry-After (seconds to the minute's end) past a group's number. Refused requests count too, as in the
 * gateway's limiter. Redis unreachable: {@code platform.api-limits.on-redis-failure}, allow or deny (503).
 * Metrics: {@code api.rate.limit.rejections} by group, {@code api.rate.limit.redis.failures}. Created at startup,
 * so a malformed path rule stops the service from starting rather than failing its first request.
 */
@Startup
@ApplicationScoped
public class ApiLimiter {

    static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(ApiLimiter.class);
    private static final String COUNT = "local n = {} "
            + "for i, key in ipairs(KEYS) do "
            + "  n[i] = redis.call('INCR', key) "
            + "  if n[i] == 1 then redis.call('PEXPIRE', key, ARGV[1]) end "
            + "end "
            + "return n";

    private final ApiLimitsConfig config;
    private final Instance<ReactiveRedisDataSource> redis;
    private final DependencyProbe probe;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final List<Group> groups = new ArrayList<>();

    public ApiLimiter(ApiLimitsConfig config, Instance<ReactiveRedisDataSource> redis, DependencyProbe probe,
                      Clock clock, MeterRegistry metrics) {
        this.config = config;
        this.redis = redis;
        this.probe = probe;
        this.clock = clock;
        this.metrics = metrics;
        config.groups().forEach((name, g) -> groups.add(new Group(name, g.perMinute(),
                g.paths().stream().map(PathRule::parse).toList())));
        groups.sort((a, b) -> Integer.compare(a.perMinute(), b.perMinute())); // the tightest limit speaks first
    }

    /** The groups that count this request, tightest first; empty when none does. */
    public List<Group> groupsFor(String method, String path) {
        if (!config.enabled()) {
            return List.of();
        }
        List<Group> matching = new ArrayList<>(2);
        for (Group g : groups) {
            if (g.matches(method, path)) {
                matching.add(g);
            }
        }
        return matching;
    }

    /** Counts one request of the tenant in each group; fails with 429 when a group's minute is full. */
    public Uni<Void> acquire(String tenant, List<Group> matching) {
        if (matching.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (probe.watchesRedis() && !probe.redis().up()) { // known down: do not wait for a timeout per request
            return redisDown(new IllegalStateException("the dependency probe reports Redis down"));
        }
        long nowMs = clock.millis();
        FixedWindow minute = FixedWindow.of(nowMs, MINUTE);
        List<String> args = new ArrayList<>(matching.size() + 3);
        args.add(COUNT);
        args.add(String.valueOf(matching.size()));
        for (Group g : matching) {
            args.add(key(tenant, g.name(), minute));
        }
        args.add(String.valueOf(MINUTE.toMillis() * 2));
        return redis.get().execute("EVAL", args.toArray(String[]::new))
                .onFailure().recoverWithUni(this::redisDownItem)
                .invoke(counts -> {
                    if (counts == null) {
                        return;
                    }
                    for (int i = 0; i < matching.size(); i++) {
                        Group group = matching.get(i);
                        long count = counts.get(i).toLong();
                        if (count > group.perMinute()) {
                            if (count == group.perMinute() + 1L) { // once per tenant, limit and minute: who it was
                                LOG.infof("Tenant %s reached its %s API limit of %d a minute", tenant, group.name(),
                                        group.perMinute());
                            }
                            throw exceeded(group, minute.secondsLeft(nowMs));
                        }
                    }
                })
                .replaceWithVoid();
    }

    /** {@code api:rl:{tenant}:group:m:index}: the tenant as hash tag keeps a request's keys in one cluster slot. */
    static String key(String tenant, String group, FixedWindow minute) {
        return "api:rl:{" + tenant + "}:" + group + ":m:" + minute.index();
    }

    private Uni<Response> redisDownItem(Throwable e) {
        return redisDown(e).replaceWith((Response) null);
    }

    private Uni<Void> redisDown(Throwable e) {
        metrics.counter("api.rate.limit.redis.failures").increment();
        if (config.denyWhenRedisIsDown()) {
            LOG.warnf("Redis unreachable, denying by policy: %s", e.toString());
            return Uni.createFrom().failure(unavailable());
        }
        LOG.debugf("Redis unreachable, allowing by policy: %s", e.toString());
        return Uni.createFrom().voidItem();
    }

    /** The 503 of the "deny" policy while Redis cannot be reached; the gateway's execution limit answers it too. */
    public static ApiException unavailable() {
        return new ApiException(503, "RATE_LIMITER_UNAVAILABLE", "一時的に利用できません",
                "Rate limits cannot be checked right now; retry shortly", Map.of("retryAfter", 1),
                Map.of("Retry-After", "1"));
    }

    private ApiException exceeded(Group group, long retryAfter) {
        metrics.counter("api.rate.limit.rejections", "group", group.name()).increment();
        return new ApiException(429, "RATE_LIMIT_EXCEEDED", "使用頻度制限に達しました",
                "APIの利用回数が上限（1分あたり" + group.perMinute() + "回）に達しました。" + retryAfter + "秒後に再試行してください。",
                Map.of("retryAfter", retryAfter, "scope", group.name(), "limit", group.perMinute()),
                Map.of("Retry-After", String.valueOf(retryAfter)));
    }

    /** A limit group with its parsed rules. */
    public record Group(String name, int perMinute, List<PathRule> rules) {
        boolean matches(String method, String path) {
            for (PathRule r : rules) {
                if (r.matches(method, path)) {
                    return true;
                }
            }
            return false;
        }
    }
}
