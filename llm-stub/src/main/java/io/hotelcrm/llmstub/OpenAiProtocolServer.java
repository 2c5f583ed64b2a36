package io.hotelcrm.llmstub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A local server speaking OpenAI's chat completions protocol (tests and test mode only): bearer-key check, JSON
 * and server-sent event answers with usage, OpenAI error objects. Its answers are derived from the request,
 * so tests can tell what the gateway sent; it records every request body (tests; {@link #main} keeps none).
 * <p>
 * Scenarios by model name: {@code rate-limited} → 429 rate_limit_exceeded, {@code no-quota} → 429
 * insufficient_quota, {@code down} → 503, {@code slow} → answers after {@link #SLOW_DELAY_MS},
 * {@code long-stream} → streams {@link #LONG_STREAM_PIECE} every 100 ms for up to 10 s (a stream that
 * outlives its hold); any other model answers. {@link #onRequest} runs before each answer, so a test
 * can fail a dependency while the engine is at work.
 */
public final class OpenAiProtocolServer implements AutoCloseable {

    /** Test-only key (also the test-mode LLM's); not a real credential. */
    public static final String TEST_KEY = "sk-test-local-openai-protocol-server";

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final long SLOW_DELAY_MS = 5000;
    public static final String LONG_STREAM_PIECE = "長".repeat(50);

    private final HttpServer server;
    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    public volatile Runnable onRequest = () -> { };

    private final boolean record;

    private OpenAiProtocolServer(HttpServer server, boolean record) {
        this.server = server;
        this.record = record;
    }

    /** On a free loopback port (tests). */
    public static OpenAiProtocolServer start() throws IOException {
        return start(0, true);
    }

    /**
     * The test-mode LLM of {@code ./dev/up}: {@code java -cp … io.hotelcrm.llmstub.OpenAiProtocolServer}, on
     * {@code LLM_STUB_PORT} (12113) of the loopback interface, key {@link #TEST_KEY}. It serves the function the
     * built-in engine does not (custom) offline, with canned answers; {@code OPENAI_API_KEY} replaces it.
     */
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("LLM_STUB_PORT", "12113"));
        OpenAiProtocolServer server = start(port, false);
        System.out.println("test-mode LLM (OpenAI protocol, canned answers) on " + server.baseUrl());
    }

    private static OpenAiProtocolServer start(int port, boolean record) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        OpenAiProtocolServer stub = new OpenAiProtocolServer(server, record);
        server.createContext("/v1/chat/completions", stub::chat);
        server.createContext("/v1/models", exchange -> stub.send(exchange, 200,
                JSON.createObjectNode().put("object", "list").set("data", JSON.createArrayNode()
                        .add(JSON.createObjectNode().put("id", "gpt-4o-mini").put("object", "model")))));
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        return stub;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The answer the server gives to a conversation whose last user message is {@code question}. */
    public static String answerTo(String question) {
        return "テストモードLLMの回答: 「" + question + "」について承りました。";
    }

    private void chat(HttpExchange exchange) throws IOException {
        if (!("Bearer " + TEST_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            error(exchange, 401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key");
            return;
        }
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        if (record) {
            requests.add(request);
        }
        onRequest.run();
        String model = request.path("model").asText();
        switch (model) {
            case "rate-limited" -> error(exchange, 429, "Rate limit reached for requests", "requests", "rate_limit_exceeded");
            case "no-quota" -> error(exchange, 429, "You exceeded your current quota", "insufficient_quota", "insufficient_quota");
            case "down" -> error(exchange, 503, "The server is overloaded", "server_error", null);
            case "slow" -> {
                pause(SLOW_DELAY_MS);
                answer(exchange, request, model);
            }
            case "long-stream" -> longStream(exchange, model);
            default -> answer(exchange, request, model);
        }
    }

    private void answer(HttpExchange exchange, JsonNode request, String model) throws IOException {
        String lastUser = "";
        int promptChars = 0;
        for (JsonNode message : request.path("messages")) {
            promptChars += message.path("content").asText().length();
            if ("user".equals(message.path("role").asText())) {
                lastUser = message.path("content").asText();
            }
        }
        String answer = answerTo(lastUser);
        int promptTokens = Math.max(1, promptChars / 2);
        int completionTokens = answer.length();
        ObjectNode usage = JSON.createObjectNode().put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens);
        if (!request.path("stream").asBoolean(false)) {
            ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-stub").put("object", "chat.completion")
                    .put("created", 1_764_000_000L).put("model", model);
            ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", answer);
            body.set("usage", usage);
            send(exchange, 200, body);
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            int step = Math.max(1, answer.length() / 4);
            for (int i = 0; i < answer.length(); i += step) {
                event(out, chunk(model, answer.substring(i, Math.min(answer.length(), i + step)), null));
            }
            event(out, chunk(model, null, "stop"));
            ObjectNode last = JSON.createObjectNode().put("id", "chatcmpl-stub").put("object", "chat.completion.chunk")
                    .put("created", 1_764_000_000L).put("model", model);
            last.putArray("choices");
            last.set("usage", usage);
            event(out, last);
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private void longStream(HttpExchange exchange, String model) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 100; i++) {
                event(out, chunk(model, LONG_STREAM_PIECE, null));
                pause(100);
            }
            event(out, chunk(model, null, "stop"));
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the gateway stopped listening
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms); // the scenario's own pace, not a test waiting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode chunk(String model, String content, String finish) {
        ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-stub").put("object", "chat.completion.chunk")
                .put("created", 1_764_000_000L).put("model", model);
        ArrayNode choices = body.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (content != null) {
            delta.put("content", content);
        }
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return body;
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void error(HttpExchange exchange, int status, String message, String type, String code) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", message).put("type", type).putNull("param").put("code", code);
        send(exchange, status, error);
    }

    private void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
