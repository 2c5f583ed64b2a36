package io.hotelcrm.credit.analytics;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.LocalDate;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** GET /api/v1/credits/analytics, in the guide's shape. Money is whole yen. */
@Schema(name = "Analytics")
public record AnalyticsView(Period period, Usage usage, List<FunctionStats> functions, Spending spending) {

    public record Period(LocalDate startDate, LocalDate endDate, int days) {
    }

    public record Usage(long totalCreditsUsed,
                        @Schema(description = "Credits a day over the period, two decimals") double averageDaily,
                        @Schema(nullable = true) PeakDay peakDay, Efficiency efficiency) {
    }

    public record PeakDay(LocalDate date, long credits) {
    }

    public record Efficiency(
            @Schema(description = "Share of the period's free credits used, 0-100") int score,
            String recommendation) {
    }

    public record FunctionStats(
            String functionType,
            long totalUsage,
            @Schema(description = "Milliseconds per charged execution") long averageExecutionTime,
            @Schema(description = "Charged executions as a percentage of all reservations (released = failed)") double successRate,
            @Schema(description = "Credits per charged execution") double costEfficiency) {
    }

    public record Spending(
            @Schema(description = "Yen value of the credits used (credits × the plan's yen per credit)") long totalCost,
            @Schema(description = "Yen value of the free credits used") long savingsFromPlan,
            @Schema(description = "Monthly fee plus credits beyond the free ones at the current pace, in yen") long projectedMonthlySpend,
            @JsonInclude(JsonInclude.Include.NON_NULL) PlanOptimization planOptimization) {
    }

    public record PlanOptimization(String suggestedPlan, long estimatedSavings) {
    }
}
