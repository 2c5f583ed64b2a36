package io.hotelcrm.credit.audit;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One audit-log row (the guide's system_event). */
@Entity
@Table(name = "system_events")
public class SystemEvent extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    @Column(name = "source_system", nullable = false)
    public String sourceSystem;

    @Column(name = "entity_type")
    public String entityType;

    @Column(name = "entity_id")
    public String entityId;

    @Column(nullable = false)
    public String action;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "event_data")
    public String eventData;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "before_data")
    public String beforeData;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "after_data")
    public String afterData;

    @Column(name = "ip_address")
    public String ipAddress;

    @Column(name = "user_agent")
    public String userAgent;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;
}
