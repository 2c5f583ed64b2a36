package io.hotelcrm.billing.purchase;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * The PaymentSucceeded published for a payment: its primary key makes a second one impossible, whichever
 * path (the synchronous answer or a webhook) gets there first.
 */
@Entity
@Table(name = "payment_grant")
public class PaymentGrant extends PanacheEntityBase {

    @Id
    @Column(name = "payment_id")
    public String paymentId;

    @Column(name = "purchase_id", nullable = false)
    public UUID purchaseId;

    @Column(name = "event_id", nullable = false)
    public UUID eventId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
