package io.hotelcrm.credit.account;

/** How much auto-purchase buys when available credits fall to the threshold. */
public enum AutoPurchaseMode {
    /** One package of the configured size. */
    FIXED,
    /** As many packages as bring available credits to at least the target balance. */
    TOP_UP
}
