package io.hotelcrm.contracts.credit;

/**
 * Available credits fell to the tenant's auto-purchase threshold; billing should buy. credit-service sends the
 * same request again (same {@code requestId}, a higher {@code attempt}) when no answer came in time, so billing
 * answers a request it already knows with its recorded outcome and charges it at most once.
 *
 * @param requestId    Stripe idempotency key of the charge; billing charges at most once per request
 * @param packageId    the package validated against the catalogue when the settings were saved, or null (older
 *                     producers) to buy the package of exactly {@code credits}
 * @param credits      credits to buy in all ({@code quantity} × the package's credits)
 * @param mode         FIXED (one package) or TOP_UP (as many packages as reach the target balance); null = FIXED
 * @param quantity     packages to buy; 0 (older producers) means 1
 * @param maxAmountYen the most billing may charge, tax included (the price seen when the settings were saved, which
 *                     the monthly cap was counted with); 0 = no bound
 * @param attempt      1 for the first request of a crossing, 2… for its repeats
 */
public record AutoPurchaseRequested(String accountId, String requestId, String packageId, long credits,
                                    long threshold, long available, String mode, int quantity, long maxAmountYen,
                                    int attempt) {

    /** The first request of a crossing for one package, without a price bound. */
    public AutoPurchaseRequested(String accountId, String requestId, String packageId, long credits, long threshold,
                                 long available) {
        this(accountId, requestId, packageId, credits, threshold, available, "FIXED", 1, 0, 1);
    }

    /** Packages to buy, at least one. */
    public int packages() {
        return Math.max(1, quantity);
    }
}
