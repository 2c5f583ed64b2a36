package io.hotelcrm.alert.channel;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The guide's Slack incoming-webhook message: bot name, emoji and colour by severity, three fields. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SlackMessage(String channel, String username, @JsonProperty("icon_emoji") String iconEmoji, String text,
                           List<Attachment> attachments) {

    public record Attachment(String color, List<Field> fields, String footer) {
    }

    public record Field(String title, String value, @JsonProperty("short") boolean isShort) {
    }
}
