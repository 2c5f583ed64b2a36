package io.hotelcrm.platform.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the services watch Kafka and Redis. Neither decides readiness (docs/operations.md, "Health"): a service
 * that reaches its database can serve, and a dependency that is down only makes it degraded.
 */
@ConfigMapping(prefix = "platform.dependencies")
public interface DependencyConfig {

    /** How often Kafka and Redis are probed (read by the probe's {@code @Scheduled}; at least 1 s). */
    @WithDefault("5s")
    Duration probeInterval();

    /** How long one probe may take before the dependency counts as unreachable. */
    @WithDefault("3s")
    Duration probeTimeout();

    /** Failed probes in a row before the dependency counts as down (the service as degraded). */
    @WithDefault("2")
    int failuresBeforeDown();

    /** Whether this service uses Redis, and so watches it (all four do, for the API limits at least). */
    @WithDefault("false")
    boolean redisEnabled();
}
