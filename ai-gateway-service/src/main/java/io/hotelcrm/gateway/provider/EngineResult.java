package io.hotelcrm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What an engine answered.
 *
 * @param units the work done, for the cost: tokens for text functions, rows for data functions
 */
public record EngineResult(String output, Double confidence, List<String> alternatives, JsonNode additionalData,
                           String model, long promptTokens, long completionTokens, long units) {
}
