package io.hotelcrm.gateway.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.execution.ExecuteRequest;
import io.hotelcrm.gateway.execution.ExecuteResponse;
import io.hotelcrm.gateway.execution.ExecutionService;
import io.hotelcrm.gateway.execution.InputSanitizer;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.gateway.provider.EngineRequest.ChatTurn;
import io.hotelcrm.gateway.provider.EngineRouter;
import io.hotelcrm.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * OpenAI's chat completions on top of the execute pipeline: a conversation is metered as the CHATBOT
 * function (same limits, same worst-case reservation, charged on the final token usage), answered by
 * the engine routing picks for the requested model.
 */
@ApplicationScoped
public class ChatCompletions {

    static final FunctionType METERED_AS = FunctionType.CHATBOT;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private final ExecutionService executions;
    private final InputSanitizer sanitizer;
    private final EngineRouter router;
    private final GatewayConfig config;
    private final ObjectMapper json;

    public ChatCompletions(ExecutionService executions, InputSanitizer sanitizer, EngineRouter router,
                           GatewayConfig config, ObjectMapper json) {
        this.executions = executions;
        this.sanitizer = sanitizer;
        this.router = router;
        this.config = config;
        this.json = json;
    }

    /** Runs the conversation; with {@code pieces} non-null the engine streams its answer there as it comes. */
    public Uni<ExecuteResponse> run(String tenant, String user, ChatCompletionRequest request, String idempotencyKey,
                                    Consumer<String> pieces) {
        EngineRequest clean = clean(tenant, request);
        return executions.execute(tenant, user, pieces == null ? clean : clean.streamingTo(pieces), idempotencyKey);
    }

    private EngineRequest clean(String tenant, ChatCompletionRequest request) {
        if (request.messages() == null || request.messages().isEmpty()) {
            throw ApiException.validation("messages must hold at least one message");
        }
        if (request.n() != null && request.n() != 1) {
            throw ApiException.validation("n must be 1");
        }
        List<ChatTurn> turns = new ArrayList<>();
        String lastUser = null;
        for (ChatCompletionRequest.Message m : request.messages()) {
            if (m == null || m.role() == null || !ROLES.contains(m.role())) {
                throw ApiException.validation("each message needs a role of system, developer, user or assistant");
            }
            String text = sanitizer.strip(m.text());
            turns.add(new ChatTurn(m.role(), text));
            if ("user".equals(m.role())) {
                lastUser = text;
            }
        }
        if (lastUser == null || lastUser.isBlank()) {
            throw ApiException.validation("messages must contain a user message with text");
        }
        int total = turns.stream().mapToInt(t -> t.content().length()).sum();
        if (total > config.input().maxChars()) {
            throw ApiException.validation("messages may have at most " + config.input().maxChars() + " characters in all");
        }
        EngineRequest clean = sanitizer.clean(tenant, METERED_AS, new ExecuteRequest.Parameters(lastUser,
                request.model(), request.temperature(), request.tokenLimit(), null));
        // The local engine answers the last question from the FAQ; an LLM gets the whole conversation.
        return EngineRouter.LLM.equals(router.routeFor(METERED_AS, clean.model())) ? clean.withMessages(turns) : clean;
    }

    /** The {@code chat.completion} object. */
    public ObjectNode completion(ExecuteResponse response) {
        ObjectNode body = header("chat.completion", response);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", response.result().output())
                .putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        body.set("usage", usage(response));
        body.set("aicredit", credits(response));
        return body;
    }

    /** A {@code chat.completion.chunk} carrying a piece of the answer (or the role, at the start). */
    public ObjectNode chunk(String id, long created, String model, String role, String content, String finishReason) {
        ObjectNode body = json.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                .put("created", created).put("model", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (role != null) {
            delta.put("role", role);
        }
        if (content != null) {
            delta.put("content", content);
        }
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return body;
    }

    /** The last chunk of a stream: no choices, the usage and what it cost. */
    public ObjectNode usageChunk(String id, long created, ExecuteResponse response) {
        ObjectNode body = json.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                .put("created", created).put("model", response.execution().model());
        body.putArray("choices");
        body.set("usage", usage(response));
        body.set("aicredit", credits(response));
        return body;
    }

    /** {@code GET /v1/models}: the allowed models, each owned by the engine that would answer it. */
    public ObjectNode models() {
        ObjectNode body = json.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String model : config.models().allowed()) {
            String route = router.routeFor(METERED_AS, model);
            data.addObject().put("id", model).put("object", "model").put("created", 0)
                    .put("owned_by", EngineRouter.LOCAL.equals(route) ? "hotelcrm-local" : "llm-provider");
        }
        return body;
    }

    private ObjectNode header(String object, ExecuteResponse response) {
        return json.createObjectNode().put("id", "chatcmpl-" + response.execution().executionId())
                .put("object", object).put("created", epochSeconds(response.execution().timestamp()))
                .put("model", response.execution().model());
    }

    private ObjectNode usage(ExecuteResponse response) {
        ExecuteResponse.Usage usage = response.execution().usage();
        long prompt = usage == null ? 0 : usage.promptTokens();
        long completion = usage == null ? 0 : usage.completionTokens();
        return json.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    /** What the call cost, beside OpenAI's members (SDKs ignore unknown members). */
    private ObjectNode credits(ExecuteResponse response) {
        return json.createObjectNode().put("executionId", response.execution().executionId())
                .put("creditsUsed", response.credits().creditsUsed())
                .put("remainingBalance", response.credits().remainingBalance())
                .put("transactionId", response.billing().transactionId());
    }

    static long epochSeconds(Instant instant) {
        return instant == null ? Instant.now().getEpochSecond() : instant.getEpochSecond();
    }
}
