package io.hotelcrm.platform.inbox;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventJson;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.platform.persistence.Transient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The idempotent-consumer building block: applies an event's effect exactly once per consumer.
 *
 * <p>The processed-event row is inserted in the same transaction as the effect. A duplicate delivery
 * (redelivery after a crash, a rebalance, the relay re-sending) finds the row and is skipped; two
 * replicas handling the same event at once serialize on the primary key, and the second skips once the
 * first commits. If the effect fails, the transaction rolls back with the row, so a retry applies it.
 *
 * <p>The consumer policy (docs/design-decisions.md, "Money events"): a failure to apply is retried with backoff
 * for as long as it takes and never dead-lettered, because skipping a payment and applying what follows it
 * breaks the money; only a record that can never be applied — not an envelope, a version this consumer does not
 * read, data that is not its type's payload, or an effect that says so with {@link PermanentEventFailure} — fails
 * at once, and the channel's dead-letter strategy puts it on {@code <topic>.dlq.<service>}, from where an operator
 * replays it ({@code dev/replay-dead-letters}) once a consumer that can read it runs.
 */
@ApplicationScoped
public class Inbox {

    private static final Logger LOG = Logger.getLogger(Inbox.class);

    private final MeterRegistry registry;

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Map<String, AtomicInteger> retrying = new ConcurrentHashMap<>();

    public Inbox(MeterRegistry registry,
                 @ConfigProperty(name = "platform.inbox.initial-backoff", defaultValue = "200ms") Duration initialBackoff,
                 @ConfigProperty(name = "platform.inbox.max-backoff", defaultValue = "30s") Duration maxBackoff) {
        this.registry = registry;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * Handles one Kafka record value: parses the envelope, skips types this consumer does not know, and
     * applies {@code effect} once in its own transaction, retrying failures with backoff until it applies.
     * A record that can never be applied fails (the channel's dead-letter strategy takes it).
     *
     * @return a Uni completing when the record may be acknowledged
     */
    public Uni<Void> consume(String consumer, String recordValue, Function<EventEnvelope, Uni<Void>> effect) {
        return consume(consumer, recordValue, ALL_TYPES, effect);
    }

    private static final Set<EventType> ALL_TYPES = java.util.EnumSet.allOf(EventType.class);

    /**
     * Like {@link #consume}, for a consumer that acts on some of its topic's types only: a record of any other
     * type is acknowledged at once and counted as skipped, with no transaction and no processed-event row
     * (there is no effect to apply once). Every execution puts an ExecutionCompleted and a UsageRecorded on the
     * topics; without this, each consumer that ignores them paid a database transaction for each.
     */
    public Uni<Void> consume(String consumer, String recordValue, Set<EventType> actsOn,
                             Function<EventEnvelope, Uni<Void>> effect) {
        return handle(consumer, recordValue, actsOn::contains,
                envelope -> Panache.withTransaction(() -> applyOnce(consumer, envelope, effect)));
    }

    /** What an effect that runs its own transaction records there: this consumer has applied this event. */
    public record Mark(String consumer, java.util.UUID eventId, String type) {

        /** The statement that records marks ($1 consumer, $2 event id, $3 type), for batched writes. */
        public static final String INSERT_SQL = "insert into processed_event (consumer, event_id, type) values ($1, $2, $3)";

        public Tuple tuple() {
            return Tuple.of(consumer, eventId, type);
        }

        /**
         * Records the mark in the caller's transaction on the reactive client; false when it was there already
         * (the event is a duplicate and the effect must not run).
         */
        public Uni<Boolean> recordIn(SqlConnection conn) {
            return conn.preparedQuery(INSERT_SQL + " on conflict do nothing").execute(tuple())
                    .map(rows -> rows.rowCount() == 1);
        }
    }

    /**
     * Like {@link #consume}, for an effect that runs in a transaction of its own (a service's own SQL
     * path): the effect must insert the {@link Mark} into {@code processed_event} in that transaction,
     * and answers true when it applied the event, false when the mark was already there (a duplicate).
     */
    public Uni<Void> consumeInOwnTransaction(String consumer, String recordValue,
                                            java.util.function.BiFunction<EventEnvelope, Mark, Uni<Boolean>> effect) {
        return handle(consumer, recordValue, type -> true,
                envelope -> effect.apply(envelope, new Mark(consumer, envelope.id(), envelope.type())));
    }

    /**
     * Parses the record, skips unknown types and those the consumer does not act on, refuses what can never be applied (the channel's dead-letter
     * strategy takes it), and applies the rest under the retry policy.
     */
    private Uni<Void> handle(String consumer, String recordValue, Predicate<EventType> actsOn,
                             Function<EventEnvelope, Uni<Boolean>> attempt) {
        retrying(consumer); // the gauge exists (0) from the consumer's first record on, as the alert rules expect
        EventEnvelope envelope;
        try {
            envelope = EventJson.read(recordValue);
        } catch (UncheckedIOException | NullPointerException e) {
            return deadLetter(consumer, "unknown", new PermanentEventFailure("malformed event: " + e.getMessage(), e));
        }
        Optional<EventType> type = EventType.find(envelope.type());
        if (type.isEmpty()) {
            LOG.debugf("%s skips event %s of unknown type %s", consumer, envelope.id(), envelope.type());
            count(consumer, envelope.type(), "skipped");
            return Uni.createFrom().voidItem();
        }
        if (!actsOn.test(type.get())) {
            count(consumer, envelope.type(), "skipped");
            return Uni.createFrom().voidItem();
        }
        if (envelope.version() != type.get().version()) {
            return deadLetter(consumer, envelope.type(), new PermanentEventFailure("event " + envelope.id() + " is "
                    + envelope.type() + " version " + envelope.version() + "; this consumer reads version "
                    + type.get().version(), null));
        }
        try {
            EventJson.mapper().convertValue(envelope.data(), type.get().dataClass());
        } catch (IllegalArgumentException e) {
            return deadLetter(consumer, envelope.type(), new PermanentEventFailure("event " + envelope.id()
                    + " has data that is not a " + envelope.type() + ": " + e.getMessage(), e));
        }
        Context context = Vertx.currentContext();
        AtomicBoolean failedOnce = new AtomicBoolean();
        return retried(consumer, envelope, Uni.createFrom().deferred(() -> attempt.apply(envelope)), context, 1, failedOnce)
                .onFailure(PermanentEventFailure.class).invoke(e -> refused(consumer, envelope.type(), e))
                .eventually(() -> {
                    if (failedOnce.get()) {
                        retrying(consumer).decrementAndGet();
                    }
                });
    }

    /**
     * Retries every failure but a {@link PermanentEventFailure} with exponential backoff for as long as it takes:
     * the record is not acknowledged meanwhile, so the channel (and every partition it holds, paused by the
     * connector once its queue is full) waits, and nothing behind it overtakes it. A transient failure (database
     * down, deadlock: {@link Transient}) is expected to heal; any other failure is logged as an error on every
     * attempt and shows in {@code events_consumer_retrying}, because it needs a person (the alert
     * AicreditEventConsumerStuck).
     */
    private Uni<Void> retried(String consumer, EventEnvelope envelope, Uni<Boolean> attempt, Context context, int n,
                              AtomicBoolean failedOnce) {
        return attempt
                .onItem().invoke(applied -> {
                    if (n > 1) {
                        LOG.infof("%s applied event %s (%s) at attempt %d", consumer, envelope.id(), envelope.type(), n);
                    }
                    count(consumer, envelope.type(), applied ? "applied" : "duplicate");
                })
                .replaceWithVoid()
                .onFailure(f -> !(f instanceof PermanentEventFailure)).recoverWithUni(e -> {
                    boolean transientFailure = Transient.isTransient(e);
                    count(consumer, envelope.type(), transientFailure ? "retried_transient" : "retried");
                    Duration delay = backoff(n);
                    if (transientFailure) {
                        LOG.warnf("%s could not apply event %s (%s), attempt %d, transient: %s; retrying in %s",
                                consumer, envelope.id(), envelope.type(), n, e.toString(), delay);
                    } else {
                        LOG.errorf(e, "%s failed to apply event %s (%s), attempt %d; retrying in %s",
                                consumer, envelope.id(), envelope.type(), n, delay);
                    }
                    if (failedOnce.compareAndSet(false, true)) {
                        retrying(consumer).incrementAndGet();
                    }
                    Uni<Void> wait = Uni.createFrom().voidItem().onItem().delayIt().by(delay);
                    if (context != null) {
                        wait = wait.emitOn(task -> context.runOnContext(ignored -> task.run()));
                    }
                    return wait.chain(() -> retried(consumer, envelope, attempt, context, n + 1, failedOnce));
                });
    }

    /** 200 ms doubling per attempt, at most {@code platform.inbox.max-backoff}. */
    Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    /** Fails the record for good: the channel's dead-letter strategy publishes it to its dead-letter topic. */
    private Uni<Void> deadLetter(String consumer, String type, Throwable failure) {
        refused(consumer, type, failure);
        return Uni.createFrom().failure(failure);
    }

    private void refused(String consumer, String type, Throwable failure) {
        count(consumer, type, "dead_lettered");
        LOG.errorf("%s dead-letters a record it can never apply: %s", consumer, failure.getMessage());
    }

    private AtomicInteger retrying(String consumer) {
        return retrying.computeIfAbsent(consumer, c -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("events.consumer.retrying", value, AtomicInteger::get)
                    .description("events a consumer is waiting to retry (a record it could not apply yet)")
                    .tag("consumer", c).register(registry);
            return value;
        });
    }

    /**
     * Applies {@code effect} unless this consumer already applied the event. Must run inside the
     * caller's transaction.
     *
     * @return true when applied now, false for a duplicate
     */
    public Uni<Boolean> applyOnce(String consumer, EventEnvelope envelope, Function<EventEnvelope, Uni<Void>> effect) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery(
                                "insert into processed_event (consumer, event_id, type) values (?1, ?2, ?3) "
                                        + "on conflict do nothing")
                        .setParameter(1, consumer)
                        .setParameter(2, envelope.id())
                        .setParameter(3, envelope.type())
                        .executeUpdate())
                .chain(inserted -> inserted == 1
                        ? effect.apply(envelope).replaceWith(Boolean.TRUE)
                        : Uni.createFrom().item(Boolean.FALSE));
    }

    private void count(String consumer, String type, String outcome) {
        registry.counter("events.consumed", "consumer", consumer, "type", type, "outcome", outcome).increment();
    }
}
