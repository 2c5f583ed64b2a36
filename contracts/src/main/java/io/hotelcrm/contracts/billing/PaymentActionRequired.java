package io.hotelcrm.contracts.billing;

/**
 * An off-session charge (auto-purchase) needs the card holder: the bank asks for 3-D Secure. Nothing was charged;
 * an admin confirms it with the link (the dashboard opens the purchase and completes the authentication), and the
 * payment's webhook then brings PaymentSucceeded or PaymentFailed as usual.
 *
 * @param paymentId  the Stripe PaymentIntent waiting for the authentication
 * @param confirmUrl where an admin confirms the payment
 */
public record PaymentActionRequired(String paymentId, String purchaseId, String packageId, long amountYen,
                                    String source, String autoPurchaseRequestId, String confirmUrl) {
}
