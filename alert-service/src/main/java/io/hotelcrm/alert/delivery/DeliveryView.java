package io.hotelcrm.alert.delivery;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A delivery as administrators see it. */
@Schema(name = "AlertDelivery", description = "One alert sent (or being sent) to one channel")
public record DeliveryView(String id, String alertId,
                           @Schema(description = "EMAIL, SLACK or DASHBOARD") String channel,
                           @Schema(description = "The e-mail address; null for Slack and the dashboard") String recipient,
                           @Schema(description = "PENDING, SENT or DEAD") String status,
                           int attempts,
                           @Schema(description = "The last failure, if any") String lastError,
                           Instant createdAt, Instant lastAttemptAt, Instant nextAttemptAt, Instant sentAt) {

    static DeliveryView of(Delivery d) {
        return new DeliveryView(d.id.toString(), d.alertId.toString(), d.channel.name(), d.recipient, d.status.name(),
                d.attempts, d.lastError, d.createdAt, d.lastAttemptAt,
                d.status == DeliveryStatus.PENDING ? d.nextAttemptAt : null, d.sentAt);
    }
}
