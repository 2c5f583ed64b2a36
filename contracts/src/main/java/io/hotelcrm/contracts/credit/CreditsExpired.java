package io.hotelcrm.contracts.credit;

/** The unspent rest of a grant expired. */
public record CreditsExpired(String accountId, String grantId, String transactionId, long credits,
                             long balanceAfter) {
}
