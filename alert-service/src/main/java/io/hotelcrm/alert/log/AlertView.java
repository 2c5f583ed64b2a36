package io.hotelcrm.alert.log;

import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An alert as the API and the live stream show it. */
@Schema(name = "Alert", description = "One alert of the tenant")
public record AlertView(
        @Schema(description = "Alert id (UUID)") String id,
        @Schema(description = "LOW_BALANCE, USAGE_SPIKE, PAYMENT_FAILED, AUTO_PURCHASE_FAILED, SUSPICIOUS_ACTIVITY, MONTHLY_RESET, CREDITS_ADDED or SYSTEM_HEALTH", example = "LOW_BALANCE") String alertType,
        @Schema(description = "INFO, WARNING, HIGH or CRITICAL", example = "WARNING") String severity,
        @Schema(description = "Short Japanese title", example = "クレジット残高が少なくなっています") String title,
        @Schema(description = "The alert text (Japanese, from the guide)", example = "クレジット残高が少なくなっています: 42 クレジット") String message,
        @Schema(description = "Particulars, labelled in Japanese, in display order") List<AlertDetail> details,
        @Schema(description = "When the alert was raised") Instant createdAt,
        @Schema(description = "When somebody acknowledged it; null while open") Instant acknowledgedAt,
        @Schema(description = "Who acknowledged it (the token's subject)") String acknowledgedBy) {

    public static AlertView of(AlertEntry e) {
        return new AlertView(e.id.toString(), e.type.name(), e.severity.name(), e.title, e.message,
                AlertDetails.read(e.data), e.createdAt, e.acknowledgedAt, e.acknowledgedBy);
    }

    /** A page of alerts, newest first; pass {@code nextCursor} back to read on. */
    @Schema(name = "AlertPage")
    public record Page(List<AlertView> items, @Schema(description = "null on the last page") String nextCursor) {
    }
}
