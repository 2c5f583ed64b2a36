package io.hotelcrm.platform.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;

/**
 * The guide's API limits per tenant and minute ({@code platform.api-limits.*}, docs/operations.md, "API limits").
 * Each group counts the requests its path rules match in one Redis key per tenant and clock minute; a group of
 * the same name in several services (the {@code global} group of the shared defaults) shares that key, so it
 * counts across the services.
 */
@ConfigMapping(prefix = "platform.api-limits")
public interface ApiLimitsConfig {

    /** Off: the filter never looks at a request and never touches Redis. */
    @WithDefault("false")
    boolean enabled();

    /** When Redis cannot be reached: {@code allow} (the request goes on) or {@code deny} (503 + Retry-After). */
    @WithDefault("allow")
    String onRedisFailure();

    /** The groups by name; the name is part of the Redis key. */
    Map<String, Group> groups();

    interface Group {
        /** Requests a tenant may make per clock minute; the next one answers 429 RATE_LIMIT_EXCEEDED. */
        int perMinute();

        /** {@code METHOD /path} rules ({@code *} for any method; a segment {@code *} or a trailing {@code /**}). */
        List<String> paths();
    }

    default boolean denyWhenRedisIsDown() {
        return "deny".equalsIgnoreCase(onRedisFailure());
    }
}
