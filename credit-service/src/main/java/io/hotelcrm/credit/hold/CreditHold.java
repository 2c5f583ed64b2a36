package io.hotelcrm.credit.hold;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** Credits reserved for a running AI execution (a card-authorisation-like pending transfer). */
@Entity
@Table(name = "credit_holds")
public class CreditHold extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    public long amount;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public HoldStatus status;

    @Column(name = "function_type", nullable = false)
    public String functionType;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "idempotency_key", nullable = false)
    public String idempotencyKey;

    @Column(name = "request_hash", nullable = false)
    public String requestHash;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "resolved_at")
    public Instant resolvedAt;

    @Column(name = "captured_amount")
    public Long capturedAmount;

    @Column(name = "capture_transaction_id")
    public UUID captureTransactionId;

    @Column(name = "resolve_key")
    public String resolveKey;

    @Column(name = "resolve_hash")
    public String resolveHash;

    @Column(name = "available_after")
    public long availableAfter;

    @Column(name = "resolve_available_after")
    public Long resolveAvailableAfter;
}
