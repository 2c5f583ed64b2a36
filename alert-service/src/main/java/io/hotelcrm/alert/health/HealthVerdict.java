package io.hotelcrm.alert.health;

import java.util.List;

/**
 * One round of the health watch.
 *
 * @param failing "service: check" for each check that is not UP (a service that does not answer counts once)
 * @param total   checks seen across all services
 * @param raised  whether this round changed the known state and so raised an alert
 */
public record HealthVerdict(List<String> failing, int total, boolean raised) {
}
