package io.hotelcrm.credit.account;

/** Low-balance levels of available credits (product.md §6: WARNING below 50, CRITICAL below 10). */
public enum LowBalanceLevel {
    NONE, WARNING, CRITICAL;

    public static LowBalanceLevel of(long available, long warningBelow, long criticalBelow) {
        if (available < criticalBelow) {
            return CRITICAL;
        }
        return available < warningBelow ? WARNING : NONE;
    }
}
