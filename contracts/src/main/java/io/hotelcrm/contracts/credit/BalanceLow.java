package io.hotelcrm.contracts.credit;

/**
 * Available credits crossed a low-balance threshold downwards (once per crossing).
 *
 * @param severity WARNING or CRITICAL
 */
public record BalanceLow(String accountId, String severity, long available, long threshold,
                         boolean autoPurchaseEnabled) {
}
