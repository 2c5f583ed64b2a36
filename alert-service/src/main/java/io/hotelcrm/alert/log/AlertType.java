package io.hotelcrm.alert.log;

/** What an alert is about (product.md §6). */
public enum AlertType {
    LOW_BALANCE, USAGE_SPIKE, PAYMENT_FAILED, AUTO_PURCHASE_FAILED, SUSPICIOUS_ACTIVITY, MONTHLY_RESET,
    CREDITS_ADDED, SYSTEM_HEALTH
}
