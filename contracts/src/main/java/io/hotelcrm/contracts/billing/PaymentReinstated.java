package io.hotelcrm.contracts.billing;

/**
 * A dispute of a paid purchase was won (Stripe reinstated the funds): credit-service gives back what the dispute's
 * hold-back ({@code PaymentRefunded} with refund id {@code dispute:<disputeId>}) took, once, never more.
 */
public record PaymentReinstated(String paymentId, String disputeId, long amountYen, long credits) {
}
