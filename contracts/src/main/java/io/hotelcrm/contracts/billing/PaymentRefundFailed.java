package io.hotelcrm.contracts.billing;

/**
 * A refund Stripe had reported succeeded failed or was canceled afterwards ({@code charge.refund.updated} with
 * status {@code failed} or {@code canceled}): the money never left, so credit-service gives back what the refund
 * step {@code stepRefundId} (the {@code refundId} of the {@code PaymentRefunded} that took the credits) took, at
 * most {@code credits}, and cancels what of it is still owed. One event per step the failed refund is attributed
 * to (almost always one), each once.
 */
public record PaymentRefundFailed(String paymentId, String refundId, String stepRefundId, long amountYen,
                                  long credits) {
}
