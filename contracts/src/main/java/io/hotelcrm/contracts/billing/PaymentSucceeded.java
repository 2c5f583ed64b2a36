package io.hotelcrm.contracts.billing;

/**
 * Stripe says a credit purchase is paid. credit-service grants {@code credits} once per {@code paymentId}.
 *
 * @param paymentId             Stripe PaymentIntent or Invoice id
 * @param amountYen             zero-decimal yen, tax included
 * @param source                dashboard, auto_purchase or low_balance_prompt
 * @param method                stripe, stored_card or invoice
 * @param autoPurchaseRequestId set when the purchase answered an AutoPurchaseRequested
 */
public record PaymentSucceeded(String paymentId, String purchaseId, String packageId, long credits, long amountYen,
                               String source, String method, String autoPurchaseRequestId) {
}
