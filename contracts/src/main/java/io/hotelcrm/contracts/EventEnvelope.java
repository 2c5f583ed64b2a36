package io.hotelcrm.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The one envelope every event travels in (design.md §4).
 *
 * @param id         unique per event; consumers deduplicate on it
 * @param type       an {@link EventType} name, e.g. {@code CreditsGranted}
 * @param version    schema version of {@code data}
 * @param tenantId   the tenant; also the Kafka record key so a tenant's events stay ordered
 * @param occurredAt when the state change was committed
 * @param data       the payload, shaped by the schema {@code schemas/<type>.v<version>.json}
 */
public record EventEnvelope(UUID id, String type, int version, String tenantId, Instant occurredAt, JsonNode data) {

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(data, "data");
    }

    /** Wraps a typed payload in a new envelope with a fresh id. */
    public static EventEnvelope wrap(EventType type, String tenantId, Instant occurredAt, Object payload) {
        if (!type.dataClass().isInstance(payload)) {
            throw new IllegalArgumentException(type + " expects " + type.dataClass().getSimpleName()
                    + " but got " + payload.getClass().getSimpleName());
        }
        return new EventEnvelope(UUID.randomUUID(), type.name(), type.version(), tenantId, occurredAt,
                EventJson.mapper().valueToTree(payload));
    }

    /** The payload as its typed record; fails if the envelope is not of {@code type}. */
    public <T> T dataAs(EventType type, Class<T> dataClass) {
        if (!type.name().equals(this.type)) {
            throw new IllegalStateException("envelope " + id + " is " + this.type + ", not " + type);
        }
        return EventJson.mapper().convertValue(data, dataClass);
    }
}
