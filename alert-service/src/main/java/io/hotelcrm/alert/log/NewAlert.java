package io.hotelcrm.alert.log;

import java.util.List;
import java.util.UUID;

/**
 * An alert a rule wants raised.
 *
 * @param sourceEventId the event it came from, or null (health watch)
 */
public record NewAlert(String tenantId, AlertType type, Severity severity, String title, String message,
                       List<AlertDetail> details, UUID sourceEventId) {

    /** Alerts of no tenant (the health watch) are stored under this id, which no token can carry. */
    public static final String SYSTEM_TENANT = "_system";

    public NewAlert {
        details = details == null ? List.of() : List.copyOf(details);
    }
}
