package io.hotelcrm.gateway.provider.local;

import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.provider.AiEngine;
import io.hotelcrm.gateway.provider.EngineRouter;

/** A built-in engine: serves one function, offline, without a key. */
abstract class LocalEngine implements AiEngine {

    private final FunctionType function;

    protected LocalEngine(FunctionType function) {
        this.function = function;
    }

    /** For the client proxies of the application-scoped engines only (CDI needs a no-args constructor). */
    protected LocalEngine() {
        this(null);
    }

    @Override
    public String provider() {
        return EngineRouter.LOCAL;
    }

    @Override
    public boolean supports(FunctionType requested) {
        return requested == function;
    }
}
