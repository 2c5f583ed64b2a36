package io.hotelcrm.alert.channel;

import io.hotelcrm.alert.log.AlertDetail;
import java.util.List;

/** What the e-mail templates show. */
public record AlertMail(String hotelName, String alertType, String typeLabel, String severity, String severityLabel,
                        String title, String message, List<AlertDetail> details, String occurredAt, boolean critical) {
}
