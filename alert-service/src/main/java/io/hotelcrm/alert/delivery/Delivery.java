package io.hotelcrm.alert.delivery;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One alert to one channel (and, for e-mail, one recipient). Times are set by the database. */
@Entity
@Table(name = "alert_delivery")
public class Delivery extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "alert_id", nullable = false)
    public UUID alertId;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DeliveryChannel channel;

    public String recipient;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DeliveryStatus status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", insertable = false, updatable = false)
    public Instant nextAttemptAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "last_attempt_at", insertable = false, updatable = false)
    public Instant lastAttemptAt;

    @Column(name = "sent_at", insertable = false, updatable = false)
    public Instant sentAt;
}
