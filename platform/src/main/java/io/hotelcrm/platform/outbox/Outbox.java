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

    private static final String INSERT_INTO = "insert into outbox_event (id, topic, kafka_key, type, payload, created_at) ";

    private final Clock clock;

    public Outbox(Clock clock) {
        this.clock = clock;
    }

    /** The statement that writes an outbox row, for a service that writes its own SQL (parameters: {@link #row}). */
    public static final String INSERT_SQL = INSERT_INTO + "values ($1, $2, $3, $4, $5, $6)";

    /**
     * The outbox row as the tail of one statement: written once per row of {@code from} (a CTE of the caller's
     * statement), so none when the state change it announces did not happen. Parameters {@code $first} …
     * {@code $first+5} are {@link #row}'s values.
     */
    public static String insertSelect(int first, String from) {
        return INSERT_INTO + String.format("select $%d, $%d, $%d, $%d, $%d, $%d from %s",
                first, first + 1, first + 2, first + 3, first + 4, first + 5, from);
    }

    /** The parameters of {@link #INSERT_SQL} for an envelope; the caller runs it in its own transaction. */
    public static io.vertx.mutiny.sqlclient.Tuple row(EventEnvelope envelope) {
        return io.vertx.mutiny.sqlclient.Tuple.of(envelope.id(), EventType.valueOf(envelope.type()).topic(),
                envelope.tenantId(), envelope.type(),
                EventJson.write(envelope), java.time.OffsetDateTime.ofInstant(envelope.occurredAt(), java.time.ZoneOffset.UTC));
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
