package io.hotelcrm.alert.channel;

import io.hotelcrm.alert.log.AlertType;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where one tenant's alerts go.
 *
 * @param hotelName shown in e-mail subjects; the tenant id when the admins set none
 */
public record TenantChannels(String tenantId, String hotelName, List<String> adminEmails,
                             Optional<String> slackWebhookUrl, Optional<String> slackChannel, Set<AlertType> mutedTypes) {

    public static TenantChannels none(String tenantId) {
        return new TenantChannels(tenantId, tenantId, List.of(), Optional.empty(), Optional.empty(), Set.of());
    }

    /** E-mail and Slack are skipped for muted types; the log and the live stream always get the alert. */
    public boolean muted(AlertType type) {
        return mutedTypes.contains(type);
    }
}
