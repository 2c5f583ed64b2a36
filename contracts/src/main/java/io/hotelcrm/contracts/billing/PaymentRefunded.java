package io.hotelcrm.contracts.billing;

/** A paid purchase was refunded (in part or whole); credit-service claws back the unspent credits. */
public record PaymentRefunded(String paymentId, String refundId, long amountYen, long credits) {
}
