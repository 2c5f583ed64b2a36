package io.hotelcrm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotelcrm.contracts.FunctionType;

/** A sanitised request as the engines see it. */
public record EngineRequest(String tenantId, FunctionType function, String input, String model, double temperature,
                            int maxTokens, JsonNode options) {
}
