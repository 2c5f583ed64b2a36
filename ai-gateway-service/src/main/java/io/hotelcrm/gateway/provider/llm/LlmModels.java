package io.hotelcrm.gateway.provider.llm;

import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.hotelcrm.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The langchain4j clients of the configured OpenAI-protocol endpoint, built once. Model, temperature and
 * max tokens are set per request; retries are left to the caller (a retry costs the tenant credits).
 */
@ApplicationScoped
public class LlmModels {

    private final GatewayConfig.Llm config;
    private volatile ChatModel chat;
    private volatile StreamingChatModel streaming;

    public LlmModels(GatewayConfig config) {
        this.config = config.llm();
    }

    public boolean configured() {
        return config.configured();
    }

    public java.time.Duration timeout() {
        return config.timeout();
    }

    public String defaultModel() {
        return config.defaultModel();
    }

    public ChatModel chat() {
        if (chat == null) {
            chat = OpenAiChatModel.builder().baseUrl(config.baseUrl()).apiKey(key()).httpClientBuilder(http())
                    .modelName(config.defaultModel()).maxRetries(0).build();
        }
        return chat;
    }

    public StreamingChatModel streaming() {
        if (streaming == null) {
            streaming = OpenAiStreamingChatModel.builder().baseUrl(config.baseUrl()).apiKey(key()).httpClientBuilder(http())
                    .modelName(config.defaultModel()).build();
        }
        return streaming;
    }

    /**
     * A provider that is down fails within the connect timeout; one that is slow within {@code timeout}, the
     * wait for its answer to begin (a stream may then go on, up to {@code gateway.streams.max-duration}).
     */
    private JdkHttpClientBuilder http() {
        return new JdkHttpClientBuilder().connectTimeout(config.connectTimeout()).readTimeout(config.timeout());
    }

    /** Keyless endpoints (Ollama, vLLM) accept any bearer value. */
    private String key() {
        return config.apiKey().filter(k -> !k.isBlank()).orElse("keyless");
    }
}
