package io.hotelcrm.billing.purchase;

/**
 * Where a purchase's payment stands. SUCCEEDED is final (refunds are recorded beside it); a failure
 * reported after it changes nothing, and a success reported after a failure still counts: Stripe's word
 * on money wins.
 */
public enum PurchaseStatus {
    /** Recorded; the Stripe call is under way or its outcome unknown. */
    PENDING,
    /**
     * The card needs 3-D Secure; the client secret lets the browser complete it. An auto-purchase waits here for an
     * admin (PaymentActionRequired) when the bank refused its off-session charge with authentication_required.
     */
    REQUIRES_ACTION,
    /** An invoice was sent; paid by bank transfer later. */
    AWAITING_PAYMENT,
    SUCCEEDED,
    FAILED;

    /** The guide's paymentStatus. */
    public String paymentStatus() {
        return switch (this) {
            case PENDING, AWAITING_PAYMENT -> "pending";
            case REQUIRES_ACTION -> "requires_action";
            case SUCCEEDED -> "completed";
            case FAILED -> "failed";
        };
    }
}
