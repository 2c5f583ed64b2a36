package io.hotelcrm.gateway.provider;

import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.List;

/**
 * Picks the engine that serves a function, by configuration ({@code gateway.routing.<function>}):
 * {@code local}, {@code llm}, or {@code auto} — the LLM when one is configured, else the built-in engine.
 * A request for the model {@code local} always goes to the built-in engine.
 */
@ApplicationScoped
public class EngineRouter {

    public static final String LOCAL = "local";
    public static final String LLM = "llm";

    private final List<AiEngine> engines;
    private final GatewayConfig config;

    public EngineRouter(Instance<AiEngine> engines, GatewayConfig config) {
        this.engines = engines.stream().toList();
        this.config = config;
    }

    /** The engine for the function and model; PROVIDER_UNAVAILABLE when none is configured for it. */
    public AiEngine engineFor(FunctionType function, String model) {
        String route = routeFor(function, model);
        return engines.stream().filter(e -> e.provider().equals(route) && e.supports(function)).findFirst()
                .orElseThrow(() -> ProviderUnavailableException.lasting(unavailable(function, route)));
    }

    /** {@code local} or {@code llm}. */
    public String routeFor(FunctionType function, String model) {
        if (LOCAL.equals(model)) {
            return LOCAL;
        }
        String route = config.routing(function);
        if ("auto".equals(route)) {
            return config.llm().configured() ? LLM : LOCAL;
        }
        return route;
    }

    private String unavailable(FunctionType function, String route) {
        if (LLM.equals(route) && !config.llm().configured()) {
            return function.japaneseName() + "機能にはLLMプロバイダーの設定が必要です"
                    + " (set OPENAI_API_KEY, or OPENAI_BASE_URL with OPENAI_KEYLESS=true, to enable " + function + ")";
        }
        return function.japaneseName() + "機能は現在のAIプロバイダー設定では利用できません (no " + route
                + " engine serves " + function + ")";
    }
}
