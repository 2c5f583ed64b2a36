package io.hotelcrm.gateway.limits;

import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.config.GatewayConfig;
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
 * credit-service) or {@code deny} (503). Metrics: {@code ai.rate.limit.rejections} by scope (tenant per
 * minute, user per hour) and function, {@code ai.executions} with outcome {@code rate_limited}, and
 * {@code ai.rate.limit.redis.failures}.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    private final ReactiveRedisDataSource redis;
    private final GatewayConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;

    public RateLimiter(ReactiveRedisDataSource redis, GatewayConfig config, Clock clock, MeterRegistry metrics) {
        this.redis = redis;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Counts one execution; fails with 429 RATE_LIMIT_EXCEEDED when a window is full. */
    public Uni<Void> acquire(String tenant, String user, FunctionType function) {
        long nowMs = clock.millis();
        FixedWindow minute = FixedWindow.of(nowMs, Duration.ofMinutes(1));
        FixedWindow hour = FixedWindow.of(nowMs, Duration.ofHours(1));
        String tenantKey = "gw:rl:t:" + tenant + ":m:" + minute.index();
        String userKey = "gw:rl:u:" + tenant + ":" + user + ":" + function.name() + ":h:" + hour.index();
        return count(tenantKey, minute)
                .chain(n -> {
                    if (n > config.limits().tenantPerMinute()) {
                        throw exceeded("tenant", function, minute.secondsLeft(nowMs));
                    }
                    return count(userKey, hour);
                })
                .invoke(n -> {
                    if (n > config.limits().hourly(function)) {
                        throw exceeded("user", function, hour.secondsLeft(nowMs));
                    }
                })
                .replaceWithVoid()
                .onFailure(e -> !(e instanceof ApiException)).recoverWithUni(this::redisDown);
    }

    private Uni<Long> count(String key, FixedWindow window) {
        return redis.value(Long.class).incr(key)
                .call(n -> n == 1 ? redis.key().pexpire(key, window.length().toMillis() * 2) : Uni.createFrom().voidItem());
    }

    private Uni<Void> redisDown(Throwable e) {
        metrics.counter("ai.rate.limit.redis.failures").increment();
        if ("deny".equalsIgnoreCase(config.limits().onRedisFailure())) {
            LOG.warnf("Redis unreachable, denying by policy: %s", e.toString());
            return Uni.createFrom().failure(ApiLimiter.unavailable());
        }
        LOG.warnf("Redis unreachable, allowing by policy: %s", e.toString());
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
