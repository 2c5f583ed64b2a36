package io.hotelcrm.platform.outbox;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventJson;
import io.hotelcrm.contracts.EventType;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * Records an event in the outbox. Call it inside the transaction that makes the state change
 * (a {@code @WithTransaction} service method): the event is then committed or rolled back with it,
 * and {@link OutboxRelay} publishes it to Kafka afterwards. No dual write, so no lost event.
 */
@ApplicationScoped
public class Outbox {

    private final Clock clock;

    public Outbox(Clock clock) {
        this.clock = clock;
    }

    public Uni<EventEnvelope> publish(EventType type, String tenantId, Object payload) {
        EventEnvelope envelope = EventEnvelope.wrap(type, tenantId, clock.instant(), payload);
        OutboxEvent row = new OutboxEvent();
        row.id = envelope.id();
        row.topic = type.topic();
        row.kafkaKey = tenantId;
        row.type = type.name();
        row.payload = EventJson.write(envelope);
        row.createdAt = envelope.occurredAt();
        return row.persist().replaceWith(envelope);
    }
}
