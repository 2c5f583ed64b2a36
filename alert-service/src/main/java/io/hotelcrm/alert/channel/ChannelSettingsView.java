package io.hotelcrm.alert.channel;

import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A tenant's channel settings as the API shows them. */
@Schema(name = "AlertChannels", description = "Where the tenant's alerts go")
public record ChannelSettingsView(List<String> adminEmails, String slackWebhookUrl, String slackChannel,
                                  List<String> mutedTypes, String hotelName,
                                  @Schema(description = "null until an administrator saves settings") Instant updatedAt,
                                  String updatedBy) {
}
