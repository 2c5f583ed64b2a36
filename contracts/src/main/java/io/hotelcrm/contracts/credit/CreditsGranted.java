package io.hotelcrm.contracts.credit;

import java.time.Instant;

/**
 * A grant (credit bucket) was added to an account.
 *
 * @param source    MONTHLY_FREE, PURCHASE, BONUS or REFUND
 * @param expiresAt null when the grant never expires
 * @param reference what caused it: a payment id, a reset month, an admin action
 */
public record CreditsGranted(String accountId, String grantId, String transactionId, String source, long credits,
                             long balanceAfter, Instant expiresAt, String reference) {
}
