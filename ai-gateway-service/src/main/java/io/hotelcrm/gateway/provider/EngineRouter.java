package io.hotelcrm.gateway.provider;

import io.hotelcrm.contracts.FunctionType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.List;

/** Picks the engine that serves a function; the first engine that supports it wins. */
@ApplicationScoped
public class EngineRouter {

    private final List<AiEngine> engines;

    public EngineRouter(Instance<AiEngine> engines) {
        this.engines = engines.stream().toList();
    }

    /** The engine for the function; PROVIDER_UNAVAILABLE when none is configured for it. */
    public AiEngine engineFor(FunctionType function) {
        return engines.stream().filter(e -> e.supports(function)).findFirst()
                .orElseThrow(() -> new ProviderUnavailableException(function.japaneseName()
                        + "機能は現在のAIプロバイダー設定では利用できません (no engine configured for " + function + ")"));
    }
}
