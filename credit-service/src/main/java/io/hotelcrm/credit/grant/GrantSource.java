package io.hotelcrm.credit.grant;

/** Where a grant's credits came from; the priority decides the burn order (lower burns first). */
public enum GrantSource {
    MONTHLY_FREE(10), BONUS(20), REFUND(30), PURCHASE(40);

    private final int priority;

    GrantSource(int priority) {
        this.priority = priority;
    }

    public int priority() {
        return priority;
    }
}
