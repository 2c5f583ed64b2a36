package io.hotelcrm.alert.delivery;

/** The ways an alert leaves the service; each has its own dispatcher. */
public enum DeliveryChannel {
    EMAIL, SLACK, DASHBOARD
}
