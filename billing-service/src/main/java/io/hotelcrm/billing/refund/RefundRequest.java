package io.hotelcrm.billing.refund;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A refund an admin asked for; see V3__refunds.sql for its states. */
@Entity
@Table(name = "refund_request")
public class RefundRequest extends PanacheEntityBase {

    public static final String REQUESTED = "requested";
    public static final String REJECTED = "rejected";

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId;

    @Column(name = "purchase_id", nullable = false)
    public UUID purchaseId;

    @Column(name = "idempotency_key", nullable = false)
    public String idempotencyKey;

    @Column(name = "request_hash", nullable = false)
    public String requestHash;

    /** Whole yen to refund, tax included. */
    @Column(name = "amount_yen")
    public long amountYen;

    /** Credits this refund takes back (in proportion to the yen, as the webhook will). */
    public long credits;

    /** requested (Stripe not answered yet), Stripe's refund status, or rejected (Stripe refused). */
    public String status;

    @Column(name = "stripe_refund_id")
    public String stripeRefundId;

    @Column(name = "failure_code")
    public String failureCode;

    @Column(name = "failure_message")
    public String failureMessage;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The idempotency key of the Stripe call: one per request, the same for every retry of it. */
    public String stripeIdempotencyKey() {
        return "refund-" + id;
    }

    static Uni<RefundRequest> byKey(String tenantId, String key) {
        return find("tenantId = ?1 and idempotencyKey = ?2", tenantId, key).firstResult();
    }

    static Uni<RefundRequest> byStripeRefund(String stripeRefundId) {
        return find("stripeRefundId", stripeRefundId).firstResult();
    }

    /** Yen asked for and not yet answered by Stripe on this purchase: counted as refunded while in flight. */
    static Uni<Long> inFlightYen(UUID purchaseId) {
        return find("select coalesce(sum(amountYen), 0) from RefundRequest where purchaseId = ?1 and status = ?2",
                purchaseId, REQUESTED).project(Long.class).singleResult();
    }
}
