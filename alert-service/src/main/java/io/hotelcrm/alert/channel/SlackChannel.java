package io.hotelcrm.alert.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.alert.config.AlertConfig;
import io.hotelcrm.alert.log.AlertEntry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Posts an alert to the tenant's Slack incoming webhook. Any answer but 2xx (or no answer within the
 * timeout) fails the attempt, and the delivery queue retries it.
 */
@ApplicationScoped
public class SlackChannel {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebClient http;
    private final AlertConfig config;

    public SlackChannel(WebClient http, AlertConfig config) {
        this.http = http;
        this.config = config;
    }

    public Uni<Void> send(AlertEntry alert, TenantChannels channels) {
        if (channels.slackWebhookUrl().isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("the tenant has no Slack webhook any more"));
        }
        String body;
        try {
            body = JSON.writeValueAsString(message(alert, channels));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return http.postAbs(channels.slackWebhookUrl().get())
                .timeout(config.slack().timeout().toMillis())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .sendBuffer(Buffer.buffer(body))
                .invoke(response -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new IllegalStateException("Slack answered " + response.statusCode() + ": "
                                + abbreviate(response.bodyAsString()));
                    }
                })
                .replaceWithVoid();
    }

    SlackMessage message(AlertEntry alert, TenantChannels channels) {
        List<SlackMessage.Field> fields = List.of(
                new SlackMessage.Field("アラートタイプ", alert.type.name(), true),
                new SlackMessage.Field("重要度", alert.severity.name(), true),
                new SlackMessage.Field("発生時刻", JaTime.format(alert.createdAt, config.timeZone()), true));
        return new SlackMessage(channels.slackChannel().orElse(null), config.slack().username(),
                alert.severity.slackEmoji(), alert.message,
                List.of(new SlackMessage.Attachment(alert.severity.slackColor(), fields, config.slack().footer())));
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
