package io.hotelcrm.gateway.config;

import io.hotelcrm.contracts.FunctionType;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** ai-gateway-service settings ({@code gateway.*} in application.properties). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Base cost in credits per function, keyed by lower-case function name (the guide's FUNCTION_COSTS). */
    Map<String, Long> baseCost();

    CreditService creditService();

    Limits limits();

    /** Anomaly scoring of requests against the tenant's baseline. */
    io.hotelcrm.gateway.anomaly.AnomalyConfig anomaly();

    /** The tenants' FAQ knowledge base. */
    io.hotelcrm.gateway.faq.FaqConfig faq();

    Input input();

    Models models();

    Defaults defaults();

    /** The most one database step (a read, or a transaction) may take before the request is a 503. */
    @WithDefault("3s")
    Duration databaseTimeout();

    /** Lifetime of a reservation if this service dies before capturing or releasing it. */
    int holdTimeoutSeconds();

    /** The OpenAI-compatible LLM provider (OpenAI, Azure OpenAI v1, vLLM, Ollama, ...). */
    Llm llm();

    /**
     * Which engine serves each function, keyed by lower-case function name: {@code local}, {@code llm}, or
     * {@code auto} (the LLM when one is configured, else the built-in local engine).
     */
    Map<String, String> routing();

    Streams streams();

    Recovery recovery();

    interface Streams {
        /** The longest a streamed answer may run; then it ends and is charged for what was sent. */
        @WithDefault("600s")
        Duration maxDuration();
    }

    /** The job that settles executions a crash or an unreachable credit-service left unfinished. */
    interface Recovery {
        @WithDefault("10s")
        Duration interval();

        /** Executions settled per run. */
        @WithDefault("50")
        int batchSize();
    }

    /** Credits charged when the provider answers "rate limited" (the guide's minimal charge). */
    @WithDefault("1")
    long providerRateLimitCharge();

    default String routing(FunctionType type) {
        return routing().getOrDefault(type.name().toLowerCase(), "auto");
    }

    interface Llm {
        /** Base URL of the OpenAI-protocol API, e.g. https://api.openai.com/v1 or http://ollama:11434/v1. */
        String baseUrl();

        /** The key; without one (and without {@code keyless}) the LLM counts as not configured. */
        Optional<String> apiKey();

        /** Set for keyless endpoints (a local Ollama or vLLM) so they count as configured. */
        @WithDefault("false")
        boolean keyless();

        /** Model used when a request asks for none, or for {@code local} where an LLM must answer. */
        String defaultModel();

        /** The wait for an answer to begin. */
        Duration timeout();

        /** The wait for a connection: a provider that is down is told apart from a slow one quickly. */
        @WithDefault("3s")
        Duration connectTimeout();

        default boolean configured() {
            return keyless() || apiKey().filter(k -> !k.isBlank()).isPresent();
        }
    }

    default long baseCost(FunctionType type) {
        Long cost = baseCost().get(type.name().toLowerCase());
        if (cost == null) {
            throw new IllegalStateException("no gateway.base-cost." + type.name().toLowerCase() + " configured");
        }
        return cost;
    }

    interface CreditService {
        String url();

        /** The most one call to credit-service may take (connecting included) before it counts as failed. */
        @WithDefault("3s")
        Duration timeout();

        Breaker breaker();
    }

    /** The circuit breaker in front of credit-service: opens on a failure ratio, probes again after the delay. */
    interface Breaker {
        /** Calls in the rolling window the ratio is computed over. */
        @WithDefault("10")
        int requestVolume();

        @WithDefault("0.5")
        double failureRatio();

        /** How long the circuit stays open before one probe call may pass. */
        @WithDefault("5s")
        Duration delay();
    }

    interface Limits {
        /** Executions per tenant + user + function per hour, keyed by lower-case function name. */
        Map<String, Long> hourly();

        /** Executions per tenant per clock minute: the guide's credit-usage API limit (100). */
        long tenantPerMinute();

        /** allow or deny when Redis cannot be reached. */
        String onRedisFailure();

        default long hourly(FunctionType type) {
            return hourly().getOrDefault(type.name().toLowerCase(), 10L);
        }
    }

    interface Input {
        int maxChars();

        int maxRows();
    }

    interface Models {
        List<String> allowed();

        String defaultModel();
    }

    interface Defaults {
        double temperature();

        int maxTokens();
    }
}
