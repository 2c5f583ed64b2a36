package io.hotelcrm.contracts.gateway;

/** An AI function failed; {@code creditsCharged} is 0 unless a documented minimal-charge policy applied. */
public record ExecutionFailed(String executionId, String userId, String functionType, String errorCode,
                              long creditsCharged, long latencyMs) {
}
