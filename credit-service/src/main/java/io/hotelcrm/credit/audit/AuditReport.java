package io.hotelcrm.credit.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** GET /api/v1/credits/audit-report: the guide's AuditReport shape. */
public record AuditReport(Period period, Summary summary, Usage usage, Security security, Compliance compliance,
                          List<String> recommendations) {

    public record Period(LocalDate startDate, LocalDate endDate) {
    }

    public record Summary(long totalCreditUsage, long totalTransactions, long averageExecutionTime, long securityIncidents) {
    }

    public record Usage(List<FunctionUsage> byFunction, List<DailyTrend> dailyTrends, List<HourUsage> peakUsageHours) {
    }

    public record FunctionUsage(String functionType, long credits, long transactions, long averageExecutionTime) {
    }

    public record DailyTrend(LocalDate date, long credits) {
    }

    public record HourUsage(int hour, long credits) {
    }

    public record Security(List<EventCount> events, int riskScore, List<String> recommendations) {
    }

    public record EventCount(String action, long count) {
    }

    /** @param overall COMPLIANT when every check passed, NON_COMPLIANT otherwise */
    public record Compliance(String overall, List<Check> checks, Instant lastAssessment, LocalDate nextAssessment) {
    }

    public record Check(String name, boolean passed, String detail) {
    }
}
