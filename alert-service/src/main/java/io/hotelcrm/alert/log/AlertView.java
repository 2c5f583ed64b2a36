package io.hotelcrm.alert.log;

import java.time.Instant;
import java.util.List;

/** An alert as the API shows it. */
public record AlertView(String id, String alertType, String severity, String title, String message,
                        Instant createdAt, Instant acknowledgedAt, String acknowledgedBy) {

    static AlertView of(AlertEntry e) {
        return new AlertView(e.id.toString(), e.type.name(), e.severity.name(), e.title, e.message, e.createdAt,
                e.acknowledgedAt, e.acknowledgedBy);
    }

    /** A page of alerts, newest first; pass {@code nextCursor} back to read on. */
    public record Page(List<AlertView> items, String nextCursor) {
    }
}
