package io.hotelcrm.alert.channel;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The whole channel configuration of a tenant (PUT replaces it). */
@Schema(name = "AlertChannelsRequest", description = "Where the tenant's alerts go; replaces the previous settings")
public record ChannelSettingsRequest(
        @Schema(description = "Administrators who get alert e-mails (at most alert.channels.max-admin-emails, no duplicates)",
                example = "[\"manager@hotel.example\"]")
        @NotNull List<@NotBlank @Email @Size(max = 254) String> adminEmails,
        @Schema(description = "Slack incoming webhook URL (https://hooks.slack.com/services/...), or null for no Slack")
        @Size(max = 500) String slackWebhookUrl,
        @Schema(description = "Slack channel to post to, e.g. #crm-alerts; null for the webhook's own channel")
        @Pattern(regexp = "#?[a-z0-9][a-z0-9._-]{0,79}", message = "must be a Slack channel name such as #crm-alerts")
        String slackChannel,
        @Schema(description = "Alert types that are not e-mailed or posted to Slack (they still appear in the log and the live stream)",
                example = "[\"CREDITS_ADDED\", \"MONTHLY_RESET\"]")
        List<@NotBlank String> mutedTypes,
        @Schema(description = "Hotel name for e-mail subjects; the tenant id when null", example = "ホテル東京ベイ")
        @Size(max = 100) String hotelName) {
}
