package io.hotelcrm.contracts.credit;

/**
 * Credits were captured for an AI execution.
 *
 * @param availableAfter what the tenant can still spend (balance minus pending holds)
 */
public record UsageRecorded(String accountId, String transactionId, String holdId, String executionId,
                            String functionType, String userId, long credits, long balanceAfter,
                            long availableAfter) {
}
