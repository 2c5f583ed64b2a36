package io.hotelcrm.credit.ledger;

/** The guide's transaction types plus EXPIRY and ADJUSTMENT. */
public enum TransactionType {
    USAGE, PURCHASE, MONTHLY_RESET, BONUS, REFUND, EXPIRY, ADJUSTMENT
}
