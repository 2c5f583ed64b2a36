package io.hotelcrm.gateway.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotelcrm.gateway.execution.ExecuteResponse;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.quarkus.vertx.web.Body;
import io.quarkus.vertx.web.Route;
import io.quarkus.vertx.web.Route.HttpMethod;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The OpenAI-compatible API ({@code /v1/chat/completions}, {@code /v1/responses}, {@code /v1/models}) so partner apps can use any
 * OpenAI SDK unchanged: the base URL is the gateway's {@code /v1} and the API key is the caller's JWT.
 * Written as Vert.x routes because one endpoint answers either JSON or a server-sent event stream,
 * depending on the request body.
 */
@ApplicationScoped
public class OpenAiRoutes {

    private static final Logger LOG = Logger.getLogger(OpenAiRoutes.class);

    private final ChatCompletions completions;
    private final Responses responses;
    private final Caller caller;
    private final ObjectMapper json;

    public OpenAiRoutes(ChatCompletions completions, Responses responses, Caller caller, ObjectMapper json) {
        this.completions = completions;
        this.responses = responses;
        this.caller = caller;
        this.json = json;
    }

    @Route(path = "/v1/models", methods = HttpMethod.GET)
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    void models(RoutingContext rc) {
        send(rc.response(), 200, completions.models());
    }

    @Route(path = "/v1/chat/completions", methods = HttpMethod.POST)
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    void chatCompletions(RoutingContext rc, @Body Buffer body) {
        serve(rc, body, ChatCompletionRequest.class, "a chat completion request", (response, tenant, user, request, key) -> {
            if (request.streaming()) {
                stream(response, tenant, user, request, key);
            } else {
                completions.run(tenant, user, request, key, null).subscribe().with(
                        done -> send(response, 200, completions.completion(done)),
                        failure -> sendError(response, OpenAiError.of(failure)));
            }
        });
    }

    /** OpenAI's Responses API (what the OpenAI SDKs now default to): the same metering as chat completions. */
    @Route(path = "/v1/responses", methods = HttpMethod.POST)
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    void responses(RoutingContext rc, @Body Buffer body) {
        serve(rc, body, ResponsesRequest.class, "a Responses API request", (response, tenant, user, request, key) -> {
            ChatCompletionRequest chat = request.asChat();
            if (request.streaming()) {
                ResponseStream stream = new ResponseStream(response, Vertx.currentContext(),
                        "resp_" + UUID.randomUUID().toString().replace("-", ""), Instant.now().getEpochSecond(),
                        request.model());
                completions.run(tenant, user, chat, key, stream::piece).subscribe().with(stream::finish, stream::fail);
            } else {
                completions.run(tenant, user, chat, key, null).subscribe().with(
                        done -> send(response, 200, responses.response(
                                "resp_" + done.execution().executionId().replace("-", ""),
                                ChatCompletions.epochSeconds(done.execution().timestamp()), null, done)),
                        failure -> sendError(response, OpenAiError.of(failure)));
            }
        });
    }

    /** What an endpoint does with a request it could read, for the caller's tenant and user. */
    private interface Handler<T> {
        void handle(HttpServerResponse response, String tenant, String user, T request, String idempotencyKey);
    }

    /** Reads the body (400 in OpenAI's shape if it cannot), then runs the handler; its failures in OpenAI's shape. */
    private <T> void serve(RoutingContext rc, Buffer body, Class<T> type, String what, Handler<T> handler) {
        HttpServerResponse response = rc.response();
        T request = read(response, body, type, what);
        if (request == null) {
            return;
        }
        try {
            handler.handle(response, caller.tenantId(), caller.userId(), request, rc.request().getHeader("Idempotency-Key"));
        } catch (RuntimeException e) {
            sendError(response, OpenAiError.of(e));
        }
    }

    /** The body as {@code type}, or null after answering 400 in OpenAI's shape. */
    private <T> T read(HttpServerResponse response, Buffer body, Class<T> type, String what) {
        try {
            return json.readValue(body == null ? "" : body.toString("UTF-8"), type);
        } catch (Exception e) {
            sendError(response, OpenAiError.invalid("The body must be " + what + " in JSON", null));
            return null;
        }
    }

    /**
     * One server-sent event response. Pieces may arrive on provider threads, so every write goes through the
     * request's context; the status is decided by the first thing that happens: an error before anything was
     * streamed is an ordinary error response, one after it an error event that ends the stream.
     */
    private abstract class SseStream {
        final HttpServerResponse response;
        final Context context;
        final String id;
        final long created;
        final String requestedModel;
        private boolean started;

        SseStream(HttpServerResponse response, Context context, String id, long created, String requestedModel) {
            this.response = response;
            this.context = context;
            this.id = id;
            this.created = created;
            this.requestedModel = requestedModel;
        }

        /** The first events, sent once, when the stream starts. */
        abstract void opening(String model);

        /** The event that reports a failure after the start (the stream ends after it). */
        abstract void failed(OpenAiError error);

        final void start(String model) {
            if (!started) {
                started = true;
                response.setStatusCode(200).setChunked(true)
                        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                        .putHeader("Cache-Control", "no-cache");
                opening(model);
            }
        }

        final void fail(Throwable failure) {
            context.runOnContext(v -> {
                OpenAiError error = OpenAiError.of(failure);
                if (!started) {
                    sendError(response, error);
                } else { // mid-stream: OpenAI SDKs raise an error event as an exception
                    LOG.warnf("stream %s failed after it started: %s", id, failure.toString());
                    failed(error);
                    response.end();
                }
            });
        }
    }

    /**
     * A Responses API stream: response.created, the message item and its text part, output_text deltas, then
     * the done events and response.completed (with usage and what it cost); an error after the start is an
     * {@code error} event, one before it an ordinary error response.
     */
    private final class ResponseStream extends SseStream {
        private final StringBuilder text = new StringBuilder();
        private long sequence;

        ResponseStream(HttpServerResponse response, Context context, String id, long created, String requestedModel) {
            super(response, context, id, created, requestedModel);
        }

        void piece(String piece) {
            context.runOnContext(v -> {
                start(requestedModel);
                delta(piece);
            });
        }

        void finish(ExecuteResponse done) {
            context.runOnContext(v -> {
                start(requestedModel);
                if (text.isEmpty() && done.result().output() != null) { // an engine that cannot stream
                    delta(done.result().output());
                }
                String all = text.toString();
                event(part("response.output_text.done").put("text", all));
                event(part("response.content_part.done").set("part", responses.text(all)));
                event(item("response.output_item.done", responses.message(id, all, true)));
                event(responses.event("response.completed", sequence++).set("response",
                        responses.response(id, created, requestedModel, done)));
                response.end();
            });
        }

        @Override
        void failed(OpenAiError error) {
            event(responses.event("error", sequence++).put("code", error.error().code())
                    .put("message", error.error().message()).putNull("param"));
        }

        @Override
        void opening(String model) {
            event(responses.event("response.created", sequence++).set("response",
                    responses.response(id, created, model, null)));
            event(item("response.output_item.added", responses.message(id, "", false)));
            event(part("response.content_part.added").set("part", responses.text("")));
        }

        private void delta(String piece) {
            text.append(piece);
            event(part("response.output_text.delta").put("delta", piece));
        }

        private ObjectNode item(String type, ObjectNode item) {
            ObjectNode event = responses.event(type, sequence++).put("output_index", 0);
            event.set("item", item);
            return event;
        }

        private ObjectNode part(String type) {
            return responses.event(type, sequence++).put("item_id", Responses.itemId(id)).put("output_index", 0)
                    .put("content_index", 0);
        }

        private void event(ObjectNode event) {
            response.write("event: " + event.path("type").asText() + "\ndata: " + write(event) + "\n\n");
        }
    }

    /**
     * Streams the answer as {@code chat.completion.chunk} events. The status is decided by the first thing
     * that happens: an error before any piece (limits, credits, provider) is an ordinary error response.
     */
    private void stream(HttpServerResponse response, String tenant, String user, ChatCompletionRequest request,
                        String key) {
        Stream stream = new Stream(response, Vertx.currentContext(), "chatcmpl-" + UUID.randomUUID(),
                Instant.now().getEpochSecond(), request.model());
        completions.run(tenant, user, request, key, stream::piece).subscribe().with(
                done -> stream.finish(done, request.includeUsage()),
                stream::fail);
    }

    /** A chat completion stream of {@code chat.completion.chunk} events ending in {@code [DONE]}. */
    private final class Stream extends SseStream {
        private boolean streamedAnything;

        Stream(HttpServerResponse response, Context context, String id, long created, String requestedModel) {
            super(response, context, id, created, requestedModel);
        }

        void piece(String text) {
            context.runOnContext(v -> {
                start(requestedModel);
                streamedAnything = true;
                event(completions.chunk(id, created, requestedModel, null, text, null));
            });
        }

        void finish(ExecuteResponse done, boolean includeUsage) {
            context.runOnContext(v -> {
                String model = done.execution().model();
                start(model);
                if (!streamedAnything) { // an engine that cannot stream: the whole answer in one piece
                    event(completions.chunk(id, created, model, null, done.result().output(), null));
                }
                event(completions.chunk(id, created, model, null, null, "stop"));
                if (includeUsage) {
                    event(completions.usageChunk(id, created, done));
                }
                response.end("data: [DONE]\n\n");
            });
        }

        @Override
        void opening(String model) {
            event(completions.chunk(id, created, model, "assistant", "", null));
        }

        @Override
        void failed(OpenAiError error) {
            response.write("data: " + write(error) + "\n\n");
        }

        private void event(Object chunk) {
            response.write("data: " + write(chunk) + "\n\n");
        }
    }

    private void send(HttpServerResponse response, int status, Object body) {
        if (!response.ended()) {
            response.setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(write(body));
        }
    }

    private void sendError(HttpServerResponse response, OpenAiError error) {
        error.headers().forEach(response::putHeader);
        send(response, error.status(), Map.of("error", error.error()));
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
