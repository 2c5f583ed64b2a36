package io.hotelcrm.gateway.limits;

import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.platform.health.DependencyProbe;
import io.hotelcrm.platform.limits.ApiLimiter;
import io.hotelcrm.platform.limits.FixedWindow;
import io.hotelcrm.platform.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Fixed-window rate limits in Redis (product.md §6): per tenant per minute (the guide's "credit usage" API limit,
 * 100 a minute: every execution, by the REST API and the OpenAI-protocol routes alike; the platform's
 * {@code platform.api-limits} groups deliberately leave executions to this one), then per tenant + user +
 * function per hour. Windows are clock-aligned so every replica counts in the same key. When Redis
 * cannot be reached the configured policy applies: {@code allow} (credits are still enforced by
 * credit-service) or {@code deny} (503), at once while the dependency probe reports Redis down (no timeout paid
 * per request; the probe's health check and alert say it is down, so each request is not logged). Metrics: {@code ai.rate.limit.rejections} by scope (tenant per
 * minute, user per hour) and function, {@code ai.executions} with outcome {@code rate_limited}, and
 * {@code ai.rate.limit.redis.failures}.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);
    /**
     * Both windows in one round trip: the tenant's minute, then (unless that is full, so a refused request does
     * not use up the user's hour) the user's hour; each key expires after two of its windows.
     */
    private static final String COUNT = "local t = redis.call('INCR', KEYS[1]) "
            + "if t == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
            + "if t > tonumber(ARGV[3]) then return {t, 0} end "
            + "local u = redis.call('INCR', KEYS[2]) "
            + "if u == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end "
            + "return {t, u}";

    private final ReactiveRedisDataSource redis;
    private final DependencyProbe probe;
    private final GatewayConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;

    public RateLimiter(ReactiveRedisDataSource redis, DependencyProbe probe, GatewayConfig config, Clock clock,
                       MeterRegistry metrics) {
        this.redis = redis;
        this.probe = probe;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Counts one execution; fails with 429 RATE_LIMIT_EXCEEDED when a window is full. */
    public Uni<Void> acquire(String tenant, String user, FunctionType function) {
        if (probe.watchesRedis() && !probe.redis().up()) { // known down: do not wait for a timeout per request
            return redisDown(new IllegalStateException("the dependency probe reports Redis down"));
        }
        long nowMs = clock.millis();
        FixedWindow minute = FixedWindow.of(nowMs, Duration.ofMinutes(1));
        FixedWindow hour = FixedWindow.of(nowMs, Duration.ofHours(1));
        // The tenant as hash tag keeps both keys in one Redis Cluster slot, as one script needs.
        String tenantKey = "gw:rl:{" + tenant + "}:t:m:" + minute.index();
        String userKey = "gw:rl:{" + tenant + "}:u:" + user + ":" + function.name() + ":h:" + hour.index();
        long perMinute = config.limits().tenantPerMinute();
        return redis.execute("EVAL", COUNT, "2", tenantKey, userKey, String.valueOf(minute.length().toMillis() * 2),
                        String.valueOf(hour.length().toMillis() * 2), String.valueOf(perMinute))
                .invoke(counts -> {
                    long inMinute = counts.get(0).toLong();
                    if (inMinute > perMinute) {
                        if (inMinute == perMinute + 1) { // once per tenant and minute: who it was
                            LOG.infof("Tenant %s reached its execution limit of %d a minute", tenant, perMinute);
                        }
                        throw exceeded("tenant", function, minute.secondsLeft(nowMs));
                    }
                    long inHour = counts.get(1).toLong();
                    long hourly = config.limits().hourly(function);
                    if (inHour > hourly) {
                        if (inHour == hourly + 1) {
                            LOG.infof("Tenant %s reached its execution limit of %d %s an hour for user %s", tenant,
                                    hourly, function.name(), user);
                        }
                        throw exceeded("user", function, hour.secondsLeft(nowMs));
                    }
                })
                .replaceWithVoid()
                .onFailure(e -> !(e instanceof ApiException)).recoverWithUni(this::redisDown);
    }

    private Uni<Void> redisDown(Throwable e) {
        metrics.counter("ai.rate.limit.redis.failures").increment();
        if ("deny".equalsIgnoreCase(config.limits().onRedisFailure())) {
            LOG.debugf("Redis unreachable, denying by policy: %s", e.toString());
            return Uni.createFrom().failure(ApiLimiter.unavailable());
        }
        LOG.debugf("Redis unreachable, allowing by policy: %s", e.toString());
        return Uni.createFrom().voidItem();
    }

    private ApiException exceeded(String scope, FunctionType function, long retryAfter) {
        metrics.counter("ai.rate.limit.rejections", "scope", scope, "function", function.name()).increment();
        metrics.counter("ai.executions", "function", function.name(), "outcome", "rate_limited").increment();
        return new ApiException(429, "RATE_LIMIT_EXCEEDED", "使用頻度制限に達しました",
                "使用頻度制限に達しました。" + retryAfter + "秒後に再試行してください。",
                Map.of("retryAfter", retryAfter, "scope", scope.equals("user") ? function.name() : scope),
                Map.of("Retry-After", String.valueOf(retryAfter)));
    }

}
