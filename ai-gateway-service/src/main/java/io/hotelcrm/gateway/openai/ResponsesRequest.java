package io.hotelcrm.gateway.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hotelcrm.platform.problem.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of OpenAI's Responses API request the gateway honours: {@code input} as a string or as message
 * items (text parts), {@code instructions}, {@code max_output_tokens}, {@code temperature}, {@code stream}.
 * It is answered as the same conversation a chat completion is.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResponsesRequest(
        String model,
        JsonNode input,
        String instructions,
        Double temperature,
        @JsonProperty("max_output_tokens") Integer maxOutputTokens,
        Boolean stream,
        JsonNode tools) {

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    /** The conversation as chat completion messages. */
    ChatCompletionRequest asChat() {
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            throw ApiException.validation("tools are not supported by this gateway yet; send the request without tools");
        }
        List<ChatCompletionRequest.Message> messages = new ArrayList<>();
        if (instructions != null && !instructions.isBlank()) {
            messages.add(message("developer", instructions));
        }
        if (input == null || input.isNull()) {
            throw ApiException.validation("input is required: a string or a list of messages");
        }
        if (input.isTextual()) {
            messages.add(message("user", input.asText()));
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                if (!item.path("type").asText("message").equals("message")) {
                    throw ApiException.validation("input items must be messages (type " + item.path("type").asText() + ")");
                }
                messages.add(message(item.path("role").asText(null), text(item.path("content"))));
            }
        } else {
            throw ApiException.validation("input must be a string or a list of messages");
        }
        return new ChatCompletionRequest(model, messages, temperature, maxOutputTokens, null, stream, null, null);
    }

    private static ChatCompletionRequest.Message message(String role, String text) {
        return new ChatCompletionRequest.Message(role, TextNode.valueOf(text));
    }

    /** A message's content: a string, or parts of which the text ones (input_text, output_text) are read. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if ((type.equals("input_text") || type.equals("output_text") || type.equals("text")) && part.hasNonNull("text")) {
                text.append(part.get("text").asText());
            }
        }
        return text.toString();
    }
}
