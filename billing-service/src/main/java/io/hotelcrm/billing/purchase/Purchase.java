package io.hotelcrm.billing.purchase;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A credit purchase; see V2__purchases_webhooks_subscriptions.sql for its state machine. */
@Entity
@Table(name = "purchase")
public class Purchase extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId;

    @Column(name = "package_id", nullable = false)
    public String packageId;

    public long credits;

    /** Whole yen, tax excluded. */
    @Column(name = "price_yen")
    public long priceYen;

    @Column(name = "tax_yen")
    public long taxYen;

    /** Whole yen charged, tax included (= price + tax). */
    @Column(name = "amount_yen")
    public long amountYen;

    /** stripe, stored_card or invoice. */
    public String method;

    /** dashboard, auto_purchase or low_balance_prompt. */
    public String source;

    @Enumerated(EnumType.STRING)
    public PurchaseStatus status;

    @Column(name = "payment_method_id")
    public String paymentMethodId;

    @Column(name = "payment_intent_id")
    public String paymentIntentId;

    @Column(name = "invoice_id")
    public String invoiceId;

    /** The charge that paid it (learnt from Stripe; refunds name it). */
    @Column(name = "charge_id")
    public String chargeId;

    @Column(name = "client_secret")
    public String clientSecret;

    @Column(name = "hosted_invoice_url")
    public String hostedInvoiceUrl;

    @Column(name = "invoice_due_at")
    public Instant invoiceDueAt;

    @Column(name = "failure_code")
    public String failureCode;

    @Column(name = "failure_message")
    public String failureMessage;

    @Column(name = "refunded_yen")
    public long refundedYen;

    @Column(name = "refunded_credits")
    public long refundedCredits;

    /** Refunds that failed after they succeeded (refund_failure): from the first on, step ids carry the count. */
    @Column(name = "refund_failures")
    public int refundFailures;

    @Column(name = "disputed_at")
    public Instant disputedAt;

    /** The outcome of its latest closed dispute: won, lost or warning_closed (null while none is closed). */
    @Column(name = "dispute_status")
    public String disputeStatus;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_hash")
    public String requestHash;

    @Column(name = "auto_purchase_request_id")
    public String autoPurchaseRequestId;

    @Column(name = "user_id")
    public String userId;

    /** An admin's on-session confirmations sent to Stripe so far (the n of their idempotency keys). */
    @Column(name = "confirm_attempts")
    public int confirmAttempts;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "paid_at")
    public Instant paidAt;

    /** The Stripe object whose payment grants the credits: the PaymentIntent, or the invoice. */
    public String paymentId() {
        return invoiceId != null ? invoiceId : paymentIntentId;
    }

    /**
     * The purchase locked for update (inside a transaction), re-read under the lock: a copy loaded earlier in
     * the session (e.g. to find it by metadata) may be stale by the time another transaction committed.
     */
    public static Uni<Purchase> lock(UUID id) {
        return Panache.getSession().chain(s -> s.find(Purchase.class, id).chain(p -> p == null
                ? Uni.createFrom().<Purchase>nullItem()
                : s.refresh(p, LockModeType.PESSIMISTIC_WRITE).replaceWith(p)));
    }

    public static Uni<Purchase> byPaymentIntent(String paymentIntentId) {
        return find("paymentIntentId", paymentIntentId).firstResult();
    }

    public static Uni<Purchase> byInvoice(String invoiceId) {
        return find("invoiceId", invoiceId).firstResult();
    }

    public static Uni<Purchase> byCharge(String chargeId) {
        return find("chargeId", chargeId).firstResult();
    }

    public static Uni<Purchase> byAutoPurchaseRequest(String requestId) {
        return find("autoPurchaseRequestId", requestId).firstResult();
    }
}
