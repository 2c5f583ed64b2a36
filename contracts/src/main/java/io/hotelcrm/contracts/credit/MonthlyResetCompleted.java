package io.hotelcrm.contracts.credit;

/**
 * The monthly reset ran for an account.
 *
 * @param month           the tenant-local month that started, e.g. {@code 2026-12}
 * @param efficiencyScore 0-100
 */
public record MonthlyResetCompleted(String accountId, String month, String planType, long previousBalance,
                                    long freeCreditsAdded, long carriedOver, long lastMonthUsage,
                                    String mostUsedFunction, int efficiencyScore) {
}
