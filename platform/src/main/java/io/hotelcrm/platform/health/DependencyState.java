package io.hotelcrm.platform.health;

import java.time.Instant;

/**
 * The last probe of one dependency.
 *
 * @param up          whether the last probe reached it
 * @param checkedAt   when the last probe finished, null before the first
 * @param lastUpAt    when a probe last reached it, null if never
 * @param error       why the last probe failed, null when up
 */
public record DependencyState(boolean up, Instant checkedAt, Instant lastUpAt, String error) {

    static DependencyState unknown() {
        return new DependencyState(false, null, null, "not probed yet");
    }

    DependencyState reached(Instant now) {
        return new DependencyState(true, now, now, null);
    }

    DependencyState failed(Instant now, Throwable cause) {
        String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new DependencyState(false, now, lastUpAt, message.length() > 300 ? message.substring(0, 300) : message);
    }
}
