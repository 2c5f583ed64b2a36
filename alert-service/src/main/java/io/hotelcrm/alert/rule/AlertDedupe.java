package io.hotelcrm.alert.rule;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;

/**
 * "At most once per window" in Redis, shared by every replica. The key holds the business-clock time
 * of the last alert, so the window follows the service's Clock (a test clock moves it); the key's
 * Redis TTL only cleans up. Check-and-set is one Lua script, so two replicas never both win.
 */
@ApplicationScoped
public class AlertDedupe {

    private static final String CLAIM = """
            local last = redis.call('GET', KEYS[1])
            if last and (tonumber(ARGV[1]) - tonumber(last)) < tonumber(ARGV[2]) then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1""";
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    private final ReactiveRedisDataSource redis;
    private final Clock clock;

    public AlertDedupe(ReactiveRedisDataSource redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Claims the key for {@code window}; empty when an alert under it was raised within the window. */
    public Uni<Claim> claim(String key, Duration window) {
        long now = clock.millis();
        return redis.execute("EVAL", CLAIM, "1", key, Long.toString(now), Long.toString(window.toMillis()))
                .map(r -> r.toInteger() == 1 ? new Claim(key, now) : null);
    }

    /** Gives a claim back (its alert could not be stored), unless somebody claimed the key since. */
    public Uni<Void> release(Claim claim) {
        return redis.execute("EVAL", RELEASE, "1", claim.key(), Long.toString(claim.stamp())).replaceWithVoid();
    }

    public record Claim(String key, long stamp) {
    }
}
