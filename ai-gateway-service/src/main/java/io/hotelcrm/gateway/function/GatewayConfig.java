package io.hotelcrm.gateway.function;

import io.hotelcrm.contracts.FunctionType;

import io.smallrye.config.ConfigMapping;
import java.util.Map;

/** ai-gateway-service settings ({@code gateway.*}). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Base cost in credits per function, keyed by lower-case function name (the guide's FUNCTION_COSTS). */
    Map<String, Long> baseCost();

    default long baseCost(FunctionType type) {
        Long cost = baseCost().get(type.name().toLowerCase());
        if (cost == null) {
            throw new IllegalStateException("no gateway.base-cost." + type.name().toLowerCase() + " configured");
        }
        return cost;
    }
}
