package io.hotelcrm.contracts.billing;

/** A credit purchase failed; nothing was granted. */
public record PaymentFailed(String paymentId, String purchaseId, String packageId, long amountYen, String source,
                            String method, String reason, String autoPurchaseRequestId) {
}
