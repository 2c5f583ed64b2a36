package io.hotelcrm.credit.balance;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** GET /api/v1/credits/balance, in the guide's shape with a few additions beside its fields. */
@Schema(name = "Balance")
public record BalanceView(Account account, Balance balance, AutoPurchase autoPurchase, Usage usage) {

    public record Account(String accountId, String tenantId, String planType) {
    }

    /**
     * @param currentBalance what the tenant can spend now: balance minus pending holds
     * @param heldCredits    reserved by AI executions that are still running
     * @param totalBalance   sum of all remaining grants (currentBalance + heldCredits)
     */
    public record Balance(
            @Schema(description = "Credits the tenant can spend now (balance minus pending holds)") long currentBalance,
            long monthlyFreeCredits,
            long usedThisMonth,
            long totalPurchased,
            @Schema(description = "Days until the balance runs out at the recent daily usage; null without usage", nullable = true)
            Long estimatedDaysLeft,
            @Schema(description = "Credits reserved by running AI executions") long heldCredits,
            @Schema(description = "Sum of all remaining grants") long totalBalance,
            @Schema(description = "Remaining credits by grant, soonest expiry first") List<GrantBucket> grants,
            @Schema(description = "Refunded credits not yet taken back because running AI executions held them; "
                    + "taken from the next credits that become available (while any are owed, none are available)")
            long owedCredits) {
    }

    public record GrantBucket(String source, long remaining, Instant expiresAt) {
    }

    /**
     * The auto-purchase settings and where they stand. {@code purchaseAmount} is the package's credits (FIXED buys
     * one package; TOP_UP buys as many as reach {@code targetBalance}).
     */
    public record AutoPurchase(boolean enabled, long threshold, long purchaseAmount,
                               @Schema(enumeration = {"FIXED", "TOP_UP"}) String mode,
                               @Schema(nullable = true) String packageId,
                               @Schema(nullable = true) Long targetBalance,
                               @Schema(nullable = true) Long monthlyCapCredits,
                               @Schema(nullable = true) Long monthlyCapYen,
                               AutoPurchaseState state) {
    }

    /**
     * @param requestInFlight     a purchase was asked for and its outcome has not come yet (no second one meanwhile)
     * @param consecutiveFailures failures in a row; at three auto-purchase turns itself off
     * @param lastFailure         the last failure's code (card_declined, no_saved_card, no_answer, …)
     * @param creditsThisMonth    credits auto-purchase bought or has in flight this month (what the cap counts)
     * @param yenThisMonth        their yen, tax included
     */
    public record AutoPurchaseState(boolean requestInFlight, int consecutiveFailures,
                                    @Schema(nullable = true) String lastFailure, long creditsThisMonth,
                                    long yenThisMonth) {
    }

    public record Usage(List<FunctionUsage> topFunctions, List<DailyUsage> dailyUsage) {
    }

    public record FunctionUsage(String functionType, long creditsUsed, double percentage) {
    }

    public record DailyUsage(LocalDate date, long credits) {
    }
}
