package io.hotelcrm.alert.delivery;

/** PENDING until sent; DEAD after the last attempt failed (a dead letter, retried only by an admin). */
public enum DeliveryStatus {
    PENDING, SENT, DEAD
}
