package io.hotelcrm.contracts.gateway;

import java.util.Map;

/**
 * Something security-relevant happened at the gateway.
 *
 * @param kind   ANOMALY, RATE_LIMIT or ...
 * @param score  anomaly score 0-100 (0 when not scored)
 * @param action LOGGED or BLOCKED
 */
public record SecurityEventRaised(String userId, String kind, int score, String action,
                                  Map<String, String> details) {
}
