package io.hotelcrm.billing.purchase;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.UUID;

/** A Stripe dispute of one of our charges: the facts Stripe reported and the two effects; see V5__disputes.sql. */
@Entity
@Table(name = "dispute")
public class ChargeDispute extends PanacheEntityBase {

    public static final String WON = "won";
    public static final String LOST = "lost";

    @Id
    @Column(name = "dispute_id")
    public String disputeId;

    @Column(name = "charge_id", nullable = false)
    public String chargeId;

    @Column(name = "payment_intent_id")
    public String paymentIntentId;

    @Column(name = "purchase_id")
    public UUID purchaseId;

    @Column(name = "amount_yen")
    public long amountYen;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "funds_withdrawn_at")
    public Instant fundsWithdrawnAt;

    @Column(name = "reinstated_at")
    public Instant reinstatedAt;

    /** won, lost or warning_closed, the first closing Stripe reported (a closed dispute does not reopen). */
    @Column(name = "closed_status")
    public String closedStatus;

    @Column(name = "held_yen")
    public long heldYen;

    @Column(name = "held_credits")
    public long heldCredits;

    @Column(name = "held_at")
    public Instant heldAt;

    @Column(name = "returned_at")
    public Instant returnedAt;

    /** Created by the event being applied (its first event): a fact in itself. */
    @Transient
    boolean fresh;

    /** The money is back with us: the hold-back, if any, is given back. */
    boolean moneyBack() {
        return WON.equals(closedStatus) || reinstatedAt != null;
    }

    /** The money left us (withdrawn, or lost whether or not we saw the withdrawal) and has not come back. */
    boolean moneyGone() {
        return (fundsWithdrawnAt != null || LOST.equals(closedStatus)) && !moneyBack();
    }
}
