package io.hotelcrm.platform.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits of the outbox relay; defaults in the platform's microprofile-config.properties. */
@ConfigMapping(prefix = "platform.outbox")
public interface OutboxConfig {

    /** How often the relay looks for unsent rows (read by the relay's {@code @Scheduled}). */
    @WithDefault("200ms")
    Duration pollInterval();

    /** Delay after start before the relay's first run. */
    @WithDefault("1s")
    Duration initialDelay();

    /** Rows published per transaction. */
    @WithDefault("100")
    int batchSize();

    /** How long one Kafka send may take before the batch stops and is retried on the next tick. */
    @WithDefault("5s")
    Duration sendTimeout();

    /** Sent rows older than this are deleted. */
    @WithDefault("P7D")
    Duration retention();
}
