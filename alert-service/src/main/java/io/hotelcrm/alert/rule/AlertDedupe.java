package io.hotelcrm.alert.rule;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * "At most once per window", shared by every replica, as a row of {@code alert_dedupe} written in the caller's
 * transaction (the inbox's, which also stores the alert and its deliveries): the claim commits with the alert or
 * not at all, so a failed commit, a crash or a raise that fails never leaves a claim without its alert. The row
 * holds the business-clock time of the last alert, so the window follows the service's Clock (a test clock moves
 * it). Two replicas claiming at once serialise on the row: the second sees the first's time once it commits.
 */
@ApplicationScoped
public class AlertDedupe {

    private static final String CLAIM = "insert into alert_dedupe (dedupe_key, claimed_at) values (?1, ?2) "
            + "on conflict (dedupe_key) do update set claimed_at = excluded.claimed_at "
            + "where alert_dedupe.claimed_at <= ?3";

    private final Clock clock;

    public AlertDedupe(Clock clock) {
        this.clock = clock;
    }

    /**
     * Claims the key for {@code window} in the current transaction; false when an alert under it was raised
     * (and committed) within the window.
     */
    public Uni<Boolean> claim(String key, Duration window) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return Panache.getSession()
                .chain(session -> session.createNativeQuery(CLAIM)
                        .setParameter(1, key)
                        .setParameter(2, now)
                        .setParameter(3, now.minus(window))
                        .executeUpdate())
                .map(updated -> updated == 1);
    }
}
