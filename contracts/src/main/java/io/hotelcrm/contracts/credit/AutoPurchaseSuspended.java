package io.hotelcrm.contracts.credit;

/**
 * Auto-purchase did not buy when the balance asked it to, and a person must know (never a silent stop).
 *
 * @param requestId           the request concerned, or null (the monthly cap stopped one from being made)
 * @param reason              MONTHLY_CAP_REACHED (nothing bought until next month or a higher cap),
 *                            NO_ANSWER (no outcome came for the request after every repeat: released),
 *                            CONSECUTIVE_FAILURES (turned off after that many failures in a row)
 * @param disabled            true when auto-purchase turned itself off (an admin must turn it on again)
 * @param consecutiveFailures failures in a row so far
 * @param lastFailureReason   the last failure's reason (card_declined, no_saved_card, …), or null
 * @param capCredits          the monthly cap in credits, or null
 * @param capYen              the monthly cap in yen (tax included), or null
 * @param spentCredits        credits auto-purchase bought or has in flight this month
 * @param spentYen            yen of those
 * @param month               the tenant-local month (e.g. 2026-12)
 */
public record AutoPurchaseSuspended(String accountId, String requestId, String reason, boolean disabled,
                                    int consecutiveFailures, String lastFailureReason, Long capCredits, Long capYen,
                                    long spentCredits, long spentYen, String month) {
}
