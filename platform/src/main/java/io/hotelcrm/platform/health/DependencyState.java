package io.hotelcrm.platform.health;

import java.time.Instant;

/**
 * What the probes know of one dependency. It counts as down only after {@code failuresBeforeDown} probes in a
 * row failed, so one slow answer on a busy node (a first connection, a GC pause) does not flap the health
 * check; it counts as up again at the first probe that reaches it.
 *
 * @param up                  whether the dependency counts as reachable
 * @param checkedAt           when the last probe finished, null before the first
 * @param lastUpAt            when a probe last reached it, null if never
 * @param error               why the last probe failed, null when it succeeded
 * @param consecutiveFailures failed probes since the last success
 */
public record DependencyState(boolean up, Instant checkedAt, Instant lastUpAt, String error, int consecutiveFailures) {

    /** Before the first probe: assumed reachable, as nothing says otherwise yet. */
    static DependencyState notProbedYet() {
        return new DependencyState(true, null, null, null, 0);
    }

    DependencyState reached(Instant now) {
        return new DependencyState(true, now, now, null, 0);
    }

    DependencyState failed(Instant now, Throwable cause, int failuresBeforeDown) {
        String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        int failures = consecutiveFailures + 1;
        return new DependencyState(up && failures < failuresBeforeDown, now, lastUpAt,
                message.length() > 300 ? message.substring(0, 300) : message, failures);
    }
}
