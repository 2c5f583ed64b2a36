package io.hotelcrm.gateway.provider;

import io.hotelcrm.contracts.FunctionType;
import io.smallrye.mutiny.Uni;

/** Something that can run AI functions: the built-in local engine or an LLM provider. */
public interface AiEngine {

    /** Name recorded with each execution, e.g. {@code local}. */
    String provider();

    boolean supports(FunctionType function);

    Uni<EngineResult> run(EngineRequest request);
}
