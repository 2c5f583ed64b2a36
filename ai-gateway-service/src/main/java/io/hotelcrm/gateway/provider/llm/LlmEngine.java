package io.hotelcrm.gateway.provider.llm;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.output.TokenUsage;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.provider.AiEngine;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.gateway.provider.EngineResult;
import io.hotelcrm.gateway.provider.EngineRouter;
import io.hotelcrm.gateway.provider.ProviderRateLimitedException;
import io.hotelcrm.gateway.provider.ProviderUnavailableException;
import io.hotelcrm.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Any OpenAI-protocol endpoint through langchain4j, for every function. Streams when the caller streams.
 * Errors are sorted by who pays: quota, outage and auth problems are ours (no charge); a provider rate limit
 * is charged the configured minimum by the pipeline.
 */
@ApplicationScoped
public class LlmEngine implements AiEngine {

    private final LlmModels models;

    public LlmEngine(LlmModels models) {
        this.models = models;
    }

    @Override
    public String provider() {
        return EngineRouter.LLM;
    }

    @Override
    public boolean supports(FunctionType function) {
        return models.configured();
    }

    @Override
    public Uni<EngineResult> run(EngineRequest request) {
        ChatRequest chat = ChatRequest.builder().messages(Prompts.messagesFor(request))
                .parameters(OpenAiChatRequestParameters.builder().modelName(modelFor(request))
                        .temperature(request.temperature()).maxOutputTokens(request.maxTokens()).build())
                .build();
        // The HTTP client's read timeout is not always honoured (seen with the JDK client), so a whole answer
        // is also bounded here; a stream is bounded by gateway.streams.max-duration.
        Uni<ChatResponse> answer = streams(request) ? stream(chat, request)
                : Uni.createFrom().item(() -> models.chat().chat(chat))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        .ifNoItem().after(models.timeout()).failWith(() -> new ProviderUnavailableException(
                                "the AI provider did not answer within " + models.timeout().toMillis() + " ms"));
        return answer.onFailure().transform(LlmEngine::classify).map(response -> result(request, response));
    }

    private Uni<ChatResponse> stream(ChatRequest chat, EngineRequest request) {
        return Uni.createFrom().emitter(emitter -> models.streaming().chat(chat, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String piece) {
                request.partials().accept(piece);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                emitter.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                emitter.fail(error);
            }
        }));
    }

    private EngineResult result(EngineRequest request, ChatResponse response) {
        String text = response.aiMessage().text() == null ? "" : response.aiMessage().text();
        TokenUsage usage = response.tokenUsage();
        long prompt = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        long completion = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        String model = response.modelName() == null ? modelFor(request) : response.modelName();
        // Data functions are priced by the rows sent, text functions by tokens (CostPolicy).
        long units = request.function() == FunctionType.CHATBOT || request.function() == FunctionType.CUSTOM
                ? prompt + completion : rows(request);
        return new EngineResult(text, null, List.of(), null, model, prompt, completion, units);
    }

    private String modelFor(EngineRequest request) {
        return request.model() == null || EngineRouter.LOCAL.equals(request.model()) ? models.defaultModel()
                : request.model();
    }

    private static boolean streams(EngineRequest request) {
        return request.streaming();
    }

    private static long rows(EngineRequest request) {
        long max = 0;
        if (request.options() != null) {
            max = request.options().isArray() ? request.options().size() : 0;
            for (var child : request.options()) {
                if (child.isArray()) {
                    max = Math.max(max, child.size());
                }
            }
        }
        return max;
    }

    /** Maps provider errors onto the gateway's: only a rate limit is (minimally) charged. */
    static Throwable classify(Throwable error) {
        if (error instanceof ApiException) {
            return error;
        }
        String message = String.valueOf(error.getMessage());
        if (error instanceof RateLimitException || status(error) == 429) {
            return message.contains("insufficient_quota")
                    ? ProviderUnavailableException.lasting("AIプロバイダーの利用枠が不足しています (provider quota exhausted)")
                    : new ProviderRateLimitedException("the AI provider is rate limiting requests; try again shortly");
        }
        if (error instanceof ModelNotFoundException || error instanceof InvalidRequestException) {
            return ProviderUnavailableException.lasting("the AI provider refused the request: " + abbreviate(message));
        }
        if (error instanceof AuthenticationException) {
            return ProviderUnavailableException.lasting("the AI provider refused the gateway's credentials");
        }
        return new ProviderUnavailableException("the AI provider did not answer: " + abbreviate(message));
    }

    private static int status(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                return http.statusCode();
            }
        }
        return -1;
    }

    private static String abbreviate(String message) {
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }
}
