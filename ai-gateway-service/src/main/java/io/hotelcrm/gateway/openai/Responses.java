package io.hotelcrm.gateway.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotelcrm.gateway.execution.ExecuteResponse;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * OpenAI's Responses API objects ({@code response}, its message item and the stream events) for an
 * execution; metered exactly as a chat completion ({@link ChatCompletions}).
 */
@ApplicationScoped
public class Responses {

    private final ObjectMapper json;

    public Responses(ObjectMapper json) {
        this.json = json;
    }

    /** The {@code response} object: in progress (done null) or completed with its output and usage. */
    public ObjectNode response(String id, long createdAt, String model, ExecuteResponse done) {
        ObjectNode body = json.createObjectNode().put("id", id).put("object", "response").put("created_at", createdAt)
                .put("status", done == null ? "in_progress" : "completed")
                .put("model", done == null ? model : done.execution().model());
        body.putNull("error");
        body.putNull("incomplete_details");
        if (done == null) {
            body.putArray("output");
            body.putNull("usage");
            return body;
        }
        body.putArray("output").add(message(id, done.result().output(), true));
        ExecuteResponse.Usage usage = done.execution().usage();
        long input = usage == null ? 0 : usage.promptTokens();
        long output = usage == null ? 0 : usage.completionTokens();
        body.putObject("usage").put("input_tokens", input).put("output_tokens", output).put("total_tokens", input + output);
        body.putObject("aicredit").put("executionId", done.execution().executionId())
                .put("creditsUsed", done.credits().creditsUsed())
                .put("remainingBalance", done.credits().remainingBalance())
                .put("transactionId", done.billing().transactionId());
        return body;
    }

    /** The assistant message item; its id derives from the response's. */
    public ObjectNode message(String responseId, String text, boolean completed) {
        ObjectNode item = json.createObjectNode().put("id", itemId(responseId)).put("type", "message")
                .put("status", completed ? "completed" : "in_progress").put("role", "assistant");
        if (completed) {
            item.putArray("content").add(text(text));
        } else {
            item.putArray("content");
        }
        return item;
    }

    public ObjectNode text(String text) {
        ObjectNode part = json.createObjectNode().put("type", "output_text").put("text", text == null ? "" : text);
        part.putArray("annotations");
        return part;
    }

    /** A stream event of {@code type}; the caller adds the members the type has. */
    public ObjectNode event(String type, long sequence) {
        return json.createObjectNode().put("type", type).put("sequence_number", sequence);
    }

    static String itemId(String responseId) {
        return "msg_" + responseId.substring("resp_".length());
    }
}
