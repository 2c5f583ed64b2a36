package io.hotelcrm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotelcrm.contracts.FunctionType;
import java.util.List;
import java.util.function.Consumer;

/**
 * A sanitised request as the engines see it.
 *
 * @param messages the conversation when the caller sent one (the OpenAI-compatible API); empty for
 *                 {@code /api/v1/ai/execute}, where {@code input} is the whole prompt
 * @param streaming whether the caller streams: engines that can stream send pieces to {@code partials} as
 *                  they come; the others do not call it, and the caller sends the whole output at the end
 */
public record EngineRequest(String tenantId, FunctionType function, String input, String model, double temperature,
                            int maxTokens, JsonNode options, List<ChatTurn> messages, boolean streaming,
                            Consumer<String> partials) {

    public EngineRequest(String tenantId, FunctionType function, String input, String model, double temperature,
                         int maxTokens, JsonNode options) {
        this(tenantId, function, input, model, temperature, maxTokens, options, List.of(), false, piece -> { });
    }

    /** The same request, streaming its answer to {@code sink}. */
    public EngineRequest streamingTo(Consumer<String> sink) {
        return new EngineRequest(tenantId, function, input, model, temperature, maxTokens, options, messages, true, sink);
    }

    /** The same request carrying the caller's conversation. */
    public EngineRequest withMessages(List<ChatTurn> conversation) {
        return new EngineRequest(tenantId, function, input, model, temperature, maxTokens, options,
                List.copyOf(conversation), streaming, partials);
    }

    /** Characters of prompt sent: the input and every message of the conversation (for the worst-case cost). */
    public int promptChars() {
        return input.length() + messages.stream().mapToInt(m -> m.content().length()).sum();
    }

    /** One message of a conversation: role system, user or assistant. */
    public record ChatTurn(String role, String content) {
    }
}
