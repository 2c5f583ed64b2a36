package io.hotelcrm.gateway.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The OpenAI-compatible API ({@code /v1/chat/completions}, {@code /v1/models}) so partner apps can use any
 * OpenAI SDK unchanged: the base URL is the gateway's {@code /v1} and the API key is the caller's JWT.
 * Written as Vert.x routes because one endpoint answers either JSON or a server-sent event stream,
 * depending on the request body.
 */
@ApplicationScoped
public class OpenAiRoutes {

    private static final Logger LOG = Logger.getLogger(OpenAiRoutes.class);

    private final ChatCompletions completions;
    private final Caller caller;
    private final ObjectMapper json;

    public OpenAiRoutes(ChatCompletions completions, Caller caller, ObjectMapper json) {
        this.completions = completions;
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
        HttpServerResponse response = rc.response();
        ChatCompletionRequest request;
        try {
            request = json.readValue(body == null ? "" : body.toString("UTF-8"), ChatCompletionRequest.class);
        } catch (Exception e) {
            sendError(response, OpenAiError.invalid("The body must be a chat completion request in JSON", null));
            return;
        }
        String key = rc.request().getHeader("Idempotency-Key");
        try {
            String tenant = caller.tenantId();
            String user = caller.userId();
            if (request.streaming()) {
                stream(response, tenant, user, request, key);
            } else {
                completions.run(tenant, user, request, key, null).subscribe().with(
                        done -> send(response, 200, completions.completion(done)),
                        failure -> sendError(response, OpenAiError.of(failure)));
            }
        } catch (RuntimeException e) {
            sendError(response, OpenAiError.of(e));
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

    /** One SSE response; pieces may arrive on provider threads, so writes go through the request's context. */
    private final class Stream {
        private final HttpServerResponse response;
        private final Context context;
        private final String id;
        private final long created;
        private final String requestedModel;
        private boolean started;
        private boolean streamedAnything;

        Stream(HttpServerResponse response, Context context, String id, long created, String requestedModel) {
            this.response = response;
            this.context = context;
            this.id = id;
            this.created = created;
            this.requestedModel = requestedModel;
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

        void fail(Throwable failure) {
            context.runOnContext(v -> {
                OpenAiError error = OpenAiError.of(failure);
                if (!started) {
                    sendError(response, error);
                } else { // mid-stream: OpenAI SDKs raise an error event as an exception
                    LOG.warnf("stream %s failed after it started: %s", id, failure.toString());
                    response.end("data: " + write(error) + "\n\n");
                }
            });
        }

        private void start(String model) {
            if (!started) {
                started = true;
                response.setStatusCode(200).setChunked(true)
                        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                        .putHeader("Cache-Control", "no-cache");
                event(completions.chunk(id, created, model, "assistant", "", null));
            }
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
