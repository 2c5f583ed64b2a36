package io.hotelcrm.contracts;

/** Kafka topic names. Each topic has exactly one producing service; the record key is always the tenant id. */
public final class Topics {
    /** Produced by credit-service. */
    public static final String CREDIT_EVENTS = "credit.events";
    /** Produced by billing-service. */
    public static final String BILLING_EVENTS = "billing.events";
    /** Produced by ai-gateway-service. */
    public static final String GATEWAY_EVENTS = "gateway.events";

    private Topics() {
    }
}
