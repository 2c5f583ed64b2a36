package io.hotelcrm.contracts.gateway;

/** An AI function ran and was charged. */
public record ExecutionCompleted(String executionId, String userId, String functionType, String provider,
                                 String model, long credits, long latencyMs, long promptTokens,
                                 long completionTokens) {
}
