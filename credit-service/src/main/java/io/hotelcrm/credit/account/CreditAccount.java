package io.hotelcrm.credit.account;

import io.hotelcrm.credit.plan.PlanType;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A tenant's credit account: one per tenant, opened on first use. Read here; changed only by the
 * ledger ({@code io.hotelcrm.credit.ledger.Ledger}), which reads it under its row lock.
 */
@Entity
@Table(name = "ai_credit_accounts")
public class CreditAccount extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false, unique = true)
    public String tenantId;

    @Enumerated(EnumType.STRING)
    @Column(name = "plan_type", nullable = false)
    public PlanType planType;

    @Column(name = "monthly_free_credits")
    public long monthlyFreeCredits;

    @Column(name = "time_zone", nullable = false)
    public String timeZone;

    /** Sum of the remaining credits of all grants. */
    @Column(name = "current_balance")
    public long currentBalance;

    /** Sum of pending holds; available = currentBalance - heldCredits. */
    @Column(name = "held_credits")
    public long heldCredits;

    /** Refunded credits that pending holds kept from being taken back; settled from what becomes available. */
    @Column(name = "owed_credits")
    public long owedCredits;

    @Column(name = "total_purchased")
    public long totalPurchased;

    @Column(name = "total_used")
    public long totalUsed;

    @Column(name = "auto_purchase_enabled")
    public boolean autoPurchaseEnabled;

    @Column(name = "auto_purchase_threshold")
    public long autoPurchaseThreshold;

    @Column(name = "auto_purchase_amount")
    public long autoPurchaseAmount;

    @Column(name = "auto_purchase_package_id")
    public String autoPurchasePackageId;

    /** The low-balance level last announced; BalanceLow fires once per downward crossing. */
    @Enumerated(EnumType.STRING)
    @Column(name = "low_balance_level", nullable = false)
    public LowBalanceLevel lowBalanceLevel = LowBalanceLevel.NONE;

    /** True while available is above the auto-purchase threshold: the next crossing may request a purchase. */
    @Column(name = "auto_purchase_armed")
    public boolean autoPurchaseArmed = true;

    /** The auto-purchase request in flight, if any; cleared by its payment's success or failure. */
    @Column(name = "auto_purchase_request_id")
    public String autoPurchaseRequestId;

    @Enumerated(EnumType.STRING)
    @Column(name = "auto_purchase_mode", nullable = false)
    public AutoPurchaseMode autoPurchaseMode = AutoPurchaseMode.FIXED;

    /** TOP_UP: the balance a purchase brings available credits to (at least). */
    @Column(name = "auto_purchase_target")
    public Long autoPurchaseTarget;

    /** The package's credits and price (yen, tax included) as the catalogue showed them when the settings were saved. */
    @Column(name = "auto_purchase_package_credits")
    public Long autoPurchasePackageCredits;

    @Column(name = "auto_purchase_package_yen")
    public Long autoPurchasePackageYen;

    /** The most auto-purchase may buy in a tenant-local month, in credits and/or yen; null = no cap. */
    @Column(name = "auto_purchase_cap_credits")
    public Long autoPurchaseCapCredits;

    @Column(name = "auto_purchase_cap_yen")
    public Long autoPurchaseCapYen;

    /** The month the two sums below count (e.g. 2026-12): requested, less what failed. */
    @Column(name = "auto_purchase_month")
    public String autoPurchaseMonth;

    @Column(name = "auto_purchase_month_credits")
    public long autoPurchaseMonthCredits;

    @Column(name = "auto_purchase_month_yen")
    public long autoPurchaseMonthYen;

    /** The month whose cap stop was announced, so that it is announced once. */
    @Column(name = "auto_purchase_cap_notified")
    public String autoPurchaseCapNotified;

    /** The request in flight as it was sent (AutoPurchaseRequested JSON), to send it again unchanged. */
    @Column(name = "auto_purchase_request")
    public String autoPurchaseRequest;

    @Column(name = "auto_purchase_requested_at")
    public Instant autoPurchaseRequestedAt;

    /** Failures in a row (declines, no answer); reset by a success or by saving the settings. */
    @Column(name = "auto_purchase_failures")
    public int autoPurchaseFailures;

    @Column(name = "auto_purchase_last_failure")
    public String autoPurchaseLastFailure;

    /** A downgrade waits for the next monthly reset. */
    @Enumerated(EnumType.STRING)
    @Column(name = "pending_plan_type")
    public PlanType pendingPlanType;

    /** The tenant-local month (e.g. 2026-12) whose free credits the account last received. */
    @Column(name = "reset_month")
    public String resetMonth;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    public long available() {
        return currentBalance - heldCredits;
    }

    public static Uni<CreditAccount> findByTenant(String tenantId) {
        return find("tenantId", tenantId).firstResult();
    }

}
