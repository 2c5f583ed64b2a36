package io.hotelcrm.platform.limits;

import java.time.Duration;

/**
 * A clock-aligned window (index = epoch millis / length), so every replica of every service counts in the same
 * key; used by these API limits and by the gateway's execution limits.
 */
public record FixedWindow(long index, Duration length) {

    public static FixedWindow of(long nowMs, Duration length) {
        return new FixedWindow(nowMs / length.toMillis(), length);
    }

    /** Whole seconds until the window ends, at least 1: the Retry-After of a refused request. */
    public long secondsLeft(long nowMs) {
        long end = (index + 1) * length.toMillis();
        return Math.max(1, (end - nowMs + 999) / 1000);
    }
}
