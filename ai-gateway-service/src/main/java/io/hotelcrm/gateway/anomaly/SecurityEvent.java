package io.hotelcrm.gateway.anomaly;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A security-relevant request the gateway noticed: an anomaly score above the logging threshold. */
@Entity
@Table(name = "security_events")
public class SecurityEvent extends PanacheEntityBase {

    public static final String LOGGED = "LOGGED";
    public static final String BLOCKED = "BLOCKED";

    @Id
    public UUID id;
    @Column(name = "tenant_id", nullable = false)
    public String tenantId;
    @Column(name = "user_id")
    public String userId;
    @Column(nullable = false)
    public String kind;
    public int score;
    @Column(nullable = false)
    public String action;
    @Column(name = "function_type")
    public String functionType;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String details;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
