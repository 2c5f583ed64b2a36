package io.hotelcrm.credit.hold;

/** A hold is PENDING until it is resolved exactly once: captured, released, or expired by the sweeper. */
public enum HoldStatus {
    PENDING, CAPTURED, RELEASED, EXPIRED
}
