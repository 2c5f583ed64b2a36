package io.hotelcrm.gateway.execution;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One run of an AI function: what ran, what it cost, how it ended. */
@Entity
@Table(name = "ai_executions")
public class Execution extends PanacheEntityBase {

    public static final String RUNNING = "RUNNING";
    public static final String COMPLETED = "COMPLETED";
    public static final String FAILED = "FAILED";
    public static final String CAPTURE_PENDING = "CAPTURE_PENDING";
    public static final String RELEASE_PENDING = "RELEASE_PENDING";

    @Id
    public UUID id;
    @Column(name = "tenant_id", nullable = false)
    public String tenantId;
    @Column(name = "user_id")
    public String userId;
    @Column(name = "function_type", nullable = false)
    public String functionType;
    /** RUNNING, COMPLETED, FAILED, or CAPTURE_PENDING / RELEASE_PENDING until the recovery job settles it. */
    @Column(nullable = false)
    public String status;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "request_hash")
    public String requestHash;
    public String provider;
    public String model;
    @Column(name = "prompt_tokens")
    public long promptTokens;
    @Column(name = "completion_tokens")
    public long completionTokens;
    public long credits;
    @Column(name = "hold_id")
    public UUID holdId;
    @Column(name = "transaction_id")
    public UUID transactionId;
    @Column(name = "latency_ms")
    public Long latencyMs;
    @Column(name = "error_code")
    public String errorCode;
    @JdbcTypeCode(SqlTypes.JSON)
    public String response;
    /** The worst case reserved, and the hold's lifetime: a replayed reservation must match them exactly. */
    @Column(name = "reserved_credits")
    public Long reservedCredits;
    @Column(name = "hold_timeout_seconds")
    public Integer holdTimeoutSeconds;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "completed_at")
    public Instant completedAt;
}
