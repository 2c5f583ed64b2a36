package io.hotelcrm.alert.delivery;

import io.hotelcrm.alert.channel.ChannelSettingsService;
import io.hotelcrm.alert.channel.MailChannel;
import io.hotelcrm.alert.channel.SlackChannel;
import io.hotelcrm.alert.channel.TenantChannels;
import io.hotelcrm.alert.config.AlertConfig;
import io.hotelcrm.alert.log.AlertEntry;
import io.hotelcrm.alert.log.AlertView;
import io.hotelcrm.alert.stream.AlertStream;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Sends pending deliveries, one independent loop per channel so a slow or failing channel never holds
 * up another. A pass claims due rows with {@code FOR UPDATE SKIP LOCKED} and a lease (safe with several
 * replicas; a crashed dispatcher's rows come back when the lease ends), sends them outside any
 * transaction, then records the outcome: SENT, or PENDING again after an exponential backoff, or DEAD
 * after the last attempt.
 */
@ApplicationScoped
public class DeliveryDispatcher {

    private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class);

    private final AlertConfig config;
    private final ChannelSettingsService settings;
    private final MailChannel mail;
    private final SlackChannel slack;
    private final AlertStream stream;
    private final MeterRegistry metrics;

    public DeliveryDispatcher(AlertConfig config, ChannelSettingsService settings, MailChannel mail, SlackChannel slack,
                              AlertStream stream, MeterRegistry metrics) {
        this.config = config;
        this.settings = settings;
        this.mail = mail;
        this.slack = slack;
        this.stream = stream;
        this.metrics = metrics;
    }

    @Scheduled(every = "${alert.delivery.poll-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "deliver-email")
    Uni<Void> email() {
        return run(DeliveryChannel.EMAIL);
    }

    @Scheduled(every = "${alert.delivery.poll-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "deliver-slack")
    Uni<Void> slack() {
        return run(DeliveryChannel.SLACK);
    }

    @Scheduled(every = "${alert.delivery.poll-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "deliver-dashboard")
    Uni<Void> dashboard() {
        return run(DeliveryChannel.DASHBOARD);
    }

    private Uni<Void> run(DeliveryChannel channel) {
        return dispatch(channel)
                .onFailure().invoke(e -> LOG.warnf("%s dispatch pass failed, the next pass retries: %s", channel, e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * One pass over the due deliveries of a channel; returns how many were attempted. Loading and
     * recording go one by one through one session; only the sending runs concurrently.
     */
    public Uni<Integer> dispatch(DeliveryChannel channel) {
        return claim(channel).chain(ids -> ids.isEmpty() ? Uni.createFrom().item(0)
                : Panache.withSession(() -> Multi.createFrom().iterable(ids)
                                .onItem().transformToUniAndConcatenate(this::load).collect().asList())
                        .chain(attempts -> Multi.createFrom().iterable(attempts)
                                .onItem().transformToUni(this::send).merge(config.delivery().concurrency())
                                .collect().asList())
                        .chain(outcomes -> Multi.createFrom().iterable(outcomes)
                                .onItem().transformToUniAndConcatenate(this::record).collect().asList())
                        .map(List::size));
    }

    private Uni<List<UUID>> claim(DeliveryChannel channel) {
        return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "update alert_delivery set lease_until = now() + (?2 * interval '1 millisecond'), "
                                + "attempts = attempts + 1, last_attempt_at = now() "
                                + "where id in (select id from alert_delivery where channel = ?1 and status = 'PENDING' "
                                + "and next_attempt_at <= now() and (lease_until is null or lease_until < now()) "
                                + "order by next_attempt_at limit ?3 for update skip locked) returning id", UUID.class)
                .setParameter(1, channel.name())
                .setParameter(2, config.delivery().lease().toMillis())
                .setParameter(3, config.delivery().batchSize())
                .getResultList()));
    }

    private Uni<Attempt> load(UUID id) {
        return Delivery.<Delivery>findById(id)
                .chain(d -> AlertEntry.<AlertEntry>findById(d.alertId)
                        .chain(alert -> settings.channelsOf(d.tenantId).map(channels -> new Attempt(d, alert, channels))));
    }

    private record Attempt(Delivery delivery, AlertEntry alert, TenantChannels channels) {
    }

    /** @param error null when sent */
    private record Outcome(Delivery delivery, Throwable error) {
    }

    private Uni<Outcome> send(Attempt a) {
        return Uni.createFrom().deferred(() -> switch (a.delivery().channel) {
                    case EMAIL -> mail.send(a.alert(), a.channels(), a.delivery().recipient);
                    case SLACK -> slack.send(a.alert(), a.channels());
                    case DASHBOARD -> stream.publish(a.alert().tenantId, AlertView.of(a.alert()));
                })
                .map(ok -> new Outcome(a.delivery(), null))
                .onFailure().recoverWithItem(e -> new Outcome(a.delivery(), e));
    }

    private Uni<Void> record(Outcome outcome) {
        return record(outcome.delivery(), outcome.error())
                .onFailure().invoke(e -> LOG.warnf("outcome of delivery %s not recorded (its lease will expire): %s",
                        outcome.delivery().id, e.toString()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> record(Delivery d, Throwable error) {
        String channel = d.channel.name();
        if (error == null) {
            metrics.counter("alerts.delivered", "channel", channel, "outcome", "sent").increment();
            return update("update alert_delivery set status = 'SENT', sent_at = now(), lease_until = null, "
                    + "last_error = null where id = ?1", d.id, null, 0);
        }
        String message = abbreviate(error.toString());
        if (d.attempts >= config.delivery().maxAttempts()) {
            metrics.counter("alerts.delivered", "channel", channel, "outcome", "dead").increment();
            LOG.errorf("delivery %s (%s, alert %s) is dead after %d attempts: %s", d.id, channel, d.alertId, d.attempts, message);
            return update("update alert_delivery set status = 'DEAD', lease_until = null, last_error = ?2 where id = ?1",
                    d.id, message, 0);
        }
        metrics.counter("alerts.delivered", "channel", channel, "outcome", "retry").increment();
        long backoff = backoff(d.attempts).toMillis();
        LOG.infof("delivery %s (%s) failed, attempt %d, retry in %d ms: %s", d.id, channel, d.attempts, backoff, message);
        return update("update alert_delivery set lease_until = null, last_error = ?2, "
                + "next_attempt_at = now() + (?3 * interval '1 millisecond') where id = ?1", d.id, message, backoff);
    }

    /** initial × 2^(attempt-1), capped, with ±20 % jitter so that retries of many alerts spread out. */
    Duration backoff(int attempt) {
        long initial = config.delivery().backoffInitial().toMillis();
        long capped = Math.min(config.delivery().backoffMax().toMillis(), initial << Math.min(attempt - 1, 30));
        return Duration.ofMillis((long) (capped * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
    }

    private static Uni<Void> update(String sql, UUID id, String error, long millis) {
        return Panache.withTransaction(() -> Panache.getSession().chain(s -> {
            var query = s.createNativeQuery(sql).setParameter(1, id);
            if (sql.contains("?2")) {
                query.setParameter(2, error);
            }
            if (sql.contains("?3")) {
                query.setParameter(3, millis);
            }
            return query.executeUpdate();
        })).replaceWithVoid();
    }

    private static String abbreviate(String s) {
        return s.length() > 1000 ? s.substring(0, 999) + "…" : s;
    }
}
