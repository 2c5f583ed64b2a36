package io.hotelcrm.platform.inbox;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventJson;
import io.hotelcrm.contracts.EventType;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The idempotent-consumer building block: applies an event's effect exactly once per consumer.
 *
 * <p>The processed-event row is inserted in the same transaction as the effect. A duplicate delivery
 * (redelivery after a crash, a rebalance, the relay re-sending) finds the row and is skipped; two
 * replicas handling the same event at once serialize on the primary key, and the second skips once the
 * first commits. If the effect fails, the transaction rolls back with the row, so a retry applies it.
 */
@ApplicationScoped
public class Inbox {

    private static final Logger LOG = Logger.getLogger(Inbox.class);

    private final MeterRegistry registry;

    public Inbox(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Handles one Kafka record value: parses the envelope, skips types this consumer does not know, and
     * applies {@code effect} once in its own transaction, retrying transient failures with backoff.
     * A record that is not an envelope fails (the channel's dead-letter strategy takes it).
     *
     * @return a Uni completing when the record may be acknowledged
     */
    public Uni<Void> consume(String consumer, String recordValue, Function<EventEnvelope, Uni<Void>> effect) {
        return handle(consumer, recordValue, envelope -> Panache.withTransaction(() -> applyOnce(consumer, envelope, effect)));
    }

    /** What an effect that runs its own transaction records there: this consumer has applied this event. */
    public record Mark(String consumer, java.util.UUID eventId, String type) {
    }

    /**
     * Like {@link #consume}, for an effect that runs in a transaction of its own (a service's own SQL
     * path): the effect must insert the {@link Mark} into {@code processed_event} in that transaction,
     * and answers true when it applied the event, false when the mark was already there (a duplicate).
     */
    public Uni<Void> consumeInOwnTransaction(String consumer, String recordValue,
                                            java.util.function.BiFunction<EventEnvelope, Mark, Uni<Boolean>> effect) {
        return handle(consumer, recordValue,
                envelope -> effect.apply(envelope, new Mark(consumer, envelope.id(), envelope.type())));
    }

    /** Parses the record, skips unknown types, and applies one attempt under the retry policy. */
    private Uni<Void> handle(String consumer, String recordValue, Function<EventEnvelope, Uni<Boolean>> attempt) {
        EventEnvelope envelope;
        try {
            envelope = EventJson.read(recordValue);
        } catch (UncheckedIOException | NullPointerException e) {
            count(consumer, "unknown", "malformed");
            return Uni.createFrom().failure(new IllegalArgumentException("malformed event: " + e.getMessage(), e));
        }
        if (EventType.find(envelope.type()).isEmpty()) {
            LOG.debugf("%s skips event %s of unknown type %s", consumer, envelope.id(), envelope.type());
            count(consumer, envelope.type(), "skipped");
            return Uni.createFrom().voidItem();
        }
        return retried(consumer, envelope, Uni.createFrom().deferred(() -> attempt.apply(envelope)));
    }

    private Uni<Void> retried(String consumer, EventEnvelope envelope, Uni<Boolean> attempt) {
        return attempt
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(5)
                .invoke(applied -> count(consumer, envelope.type(), applied ? "applied" : "duplicate"))
                .onFailure().invoke(e -> {
                    count(consumer, envelope.type(), "failed");
                    LOG.errorf(e, "%s failed to apply event %s (%s)", consumer, envelope.id(), envelope.type());
                })
                .replaceWithVoid();
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
