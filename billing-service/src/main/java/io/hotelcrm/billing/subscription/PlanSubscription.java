package io.hotelcrm.billing.subscription;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;

/** The tenant's CRM plan subscription at Stripe. */
@Entity
@Table(name = "subscription")
public class PlanSubscription extends PanacheEntityBase {

    @Id
    @Column(name = "tenant_id")
    public String tenantId;

    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;

    @Column(name = "item_id")
    public String itemId;

    @Column(name = "plan_type", nullable = false)
    public String planType;

    /** Stripe's status: incomplete, active, past_due, canceled, … */
    public String status;

    /** The plan last announced with PlanChanged (null: none yet). */
    @Column(name = "announced_plan")
    public String announcedPlan;

    /** Creation time of the newest Stripe event applied; older events are ignored. */
    @Column(name = "stripe_event_at")
    public Instant stripeEventAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public boolean live() {
        return "active".equals(status) || "trialing".equals(status) || "past_due".equals(status);
    }

    /** The tenant's subscription locked for update and re-read under the lock; null when there is none. */
    public static Uni<PlanSubscription> lock(String tenantId) {
        return Panache.getSession().chain(s -> s.find(PlanSubscription.class, tenantId).chain(row -> row == null
                ? Uni.createFrom().<PlanSubscription>nullItem()
                : s.refresh(row, LockModeType.PESSIMISTIC_WRITE).replaceWith(row)));
    }

    /** The tenant of a Stripe subscription id, without loading the row. */
    public static Uni<String> tenantOf(String subscriptionId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "select tenant_id from subscription where subscription_id = ?1", String.class)
                .setParameter(1, subscriptionId).getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }
}
