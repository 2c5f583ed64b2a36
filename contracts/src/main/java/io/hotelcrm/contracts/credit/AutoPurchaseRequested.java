package io.hotelcrm.contracts.credit;

/**
 * Available credits crossed the tenant's auto-purchase threshold; billing should buy.
 *
 * @param requestId idempotency key for the purchase; billing charges at most once per request
 * @param packageId the configured package, or null to buy {@code credits}
 */
public record AutoPurchaseRequested(String accountId, String requestId, String packageId, long credits,
                                    long threshold, long available) {
}
