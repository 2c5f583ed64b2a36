package io.hotelcrm.alert.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.alert.config.AlertConfig;
import io.hotelcrm.alert.log.AlertType;
import io.hotelcrm.alert.log.NewAlert;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads and changes where a tenant's alerts go. */
@ApplicationScoped
public class ChannelSettingsService {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final AlertConfig config;
    private final Clock clock;

    public ChannelSettingsService(AlertConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** The tenant's channels (none until an admin saves some); operators' channels for the system tenant. */
    public Uni<TenantChannels> channelsOf(String tenantId) {
        if (NewAlert.SYSTEM_TENANT.equals(tenantId)) {
            AlertConfig.SystemChannels system = config.system();
            return Uni.createFrom().item(new TenantChannels(tenantId, system.name(),
                    system.adminEmails().orElse(List.of()), system.slackWebhookUrl(), Optional.empty(), Set.of()));
        }
        return ChannelSettings.<ChannelSettings>findById(tenantId)
                .map(row -> row == null ? TenantChannels.none(tenantId) : toChannels(row));
    }

    public Uni<ChannelSettingsView> view(String tenantId) {
        return Panache.withSession(() -> ChannelSettings.<ChannelSettings>findById(tenantId))
                .map(row -> row == null
                        ? new ChannelSettingsView(List.of(), null, null, List.of(), null, null, null)
                        : toView(row));
    }

    /**
     * Replaces the tenant's settings. Everything is checked before anything is written, so bad input
     * changes nothing; all problems are reported at once.
     */
    public Uni<ChannelSettingsView> replace(String tenantId, String user, ChannelSettingsRequest request) {
        List<String> emails = request.adminEmails().stream().map(String::trim).toList();
        List<AlertType> muted = new ArrayList<>();
        List<Map<String, String>> violations = new ArrayList<>();
        checkEmails(emails, violations);
        checkSlackUrl(request.slackWebhookUrl(), violations);
        List<String> mutedNames = request.mutedTypes() == null ? List.of() : request.mutedTypes();
        for (int i = 0; i < mutedNames.size(); i++) {
            try {
                muted.add(AlertType.valueOf(mutedNames.get(i)));
            } catch (IllegalArgumentException e) {
                violations.add(violation("mutedTypes[" + i + "]", "must be one of " + EnumSet.allOf(AlertType.class)));
            }
        }
        if (!violations.isEmpty()) {
            String detail = violations.stream().map(v -> v.get("field") + ": " + v.get("message"))
                    .reduce((a, b) -> a + "; " + b).orElse("");
            return Uni.createFrom().failure(ApiException.validation(detail, Map.of("violations", violations)));
        }
        return Panache.withTransaction(() -> ChannelSettings.<ChannelSettings>findById(tenantId)
                        .chain(existing -> {
                            ChannelSettings row = existing != null ? existing : new ChannelSettings();
                            row.tenantId = tenantId;
                            row.hotelName = blankToNull(request.hotelName());
                            row.adminEmails = write(emails);
                            row.slackWebhookUrl = blankToNull(request.slackWebhookUrl());
                            row.slackChannel = blankToNull(request.slackChannel());
                            row.mutedTypes = write(muted.stream().distinct().map(Enum::name).toList());
                            row.updatedAt = clock.instant();
                            row.updatedBy = user;
                            return existing != null ? Uni.createFrom().item(row) : row.persist().replaceWith(row);
                        }))
                .map(ChannelSettingsService::toView);
    }

    private void checkEmails(List<String> emails, List<Map<String, String>> violations) {
        int max = config.channels().maxAdminEmails();
        if (emails.size() > max) {
            violations.add(violation("adminEmails", "at most " + max + " addresses"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < emails.size(); i++) {
            if (!seen.add(emails.get(i).toLowerCase(Locale.ROOT))) {
                violations.add(violation("adminEmails[" + i + "]", "duplicate address"));
            }
        }
    }

    private void checkSlackUrl(String url, List<Map<String, String>> violations) {
        if (url == null || url.isBlank()) {
            return;
        }
        boolean allowed = config.slack().allowedUrlPrefixes().stream().anyMatch(url::startsWith);
        boolean wellFormed;
        try {
            URI uri = URI.create(url);
            wellFormed = uri.getHost() != null && uri.getUserInfo() == null
                    && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()));
        } catch (IllegalArgumentException e) {
            wellFormed = false;
        }
        if (!wellFormed || !allowed) {
            violations.add(violation("slackWebhookUrl",
                    "must be a Slack incoming webhook URL starting with one of " + config.slack().allowedUrlPrefixes()));
        }
    }

    private static Map<String, String> violation(String field, String message) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("field", field);
        v.put("message", message);
        return v;
    }

    private static TenantChannels toChannels(ChannelSettings row) {
        Set<AlertType> muted = EnumSet.noneOf(AlertType.class);
        read(row.mutedTypes).forEach(name -> AlertType.valueOfOptional(name).ifPresent(muted::add));
        return new TenantChannels(row.tenantId, row.hotelName != null ? row.hotelName : row.tenantId,
                read(row.adminEmails), Optional.ofNullable(row.slackWebhookUrl), Optional.ofNullable(row.slackChannel),
                muted);
    }

    private static ChannelSettingsView toView(ChannelSettings row) {
        return new ChannelSettingsView(read(row.adminEmails), row.slackWebhookUrl, row.slackChannel,
                read(row.mutedTypes), row.hotelName, row.updatedAt, row.updatedBy);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String write(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> read(String json) {
        try {
            return json == null ? List.of() : JSON.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable channel settings", e);
        }
    }
}
