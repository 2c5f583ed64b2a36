package io.hotelcrm.credit.ledger;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One append-only ledger entry (the guide's ai_credit_transactions). */
@Entity
@Table(name = "ai_credit_transactions")
public class LedgerTransaction extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    @Enumerated(EnumType.STRING)
    @Column(name = "transaction_type", nullable = false)
    public TransactionType type;

    /** Signed: grants are positive, usage and expiry negative. */
    @Column(name = "credits_amount")
    public long creditsAmount;

    @Column(name = "balance_after")
    public long balanceAfter;

    @Column(name = "ai_function_type")
    public String functionType;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "ai_function_params")
    public String functionParams;

    @Column(name = "execution_time_ms")
    public Integer executionTimeMs;

    @Column(name = "cost_per_credit")
    public BigDecimal costPerCredit;

    @Column(name = "total_cost_yen")
    public Long totalCostYen;

    @Column(name = "user_id")
    public String userId;

    public String description;

    @Column(name = "reference_id")
    public String referenceId;

    /** A reversal's source: the ledger key of the refund or hold-back whose credits it gives back. */
    @Column(name = "reverses_key")
    public String reversesKey;

    @Column(name = "grant_id")
    public UUID grantId;

    /** Entries that took credits out: which grants paid, in burn order (JSON array of source, grantId, credits). */
    @Column(name = "paid_from")
    public String paidFrom;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_hash")
    public String requestHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
