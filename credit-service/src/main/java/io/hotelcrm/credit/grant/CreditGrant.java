package io.hotelcrm.credit.grant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A credit bucket. Its remaining credits never go below zero. */
@Entity
@Table(name = "credit_grants")
public class CreditGrant extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public GrantSource source;

    @Column(name = "original_credits")
    public long originalCredits;

    @Column(name = "remaining_credits")
    public long remainingCredits;

    public int priority;

    /** Null: never expires. */
    @Column(name = "expires_at")
    public Instant expiresAt;

    public String reference;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
