package io.hotelcrm.billing.customer;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The tenant's Stripe customer and its saved default card. */
@Entity
@Table(name = "stripe_customer")
public class StripeCustomer extends PanacheEntityBase {

    @Id
    @Column(name = "tenant_id")
    public String tenantId;

    @Column(name = "customer_id", nullable = false)
    public String customerId;

    public String email;

    @Column(name = "default_payment_method_id")
    public String defaultPaymentMethodId;

    @Column(name = "default_card_brand")
    public String defaultCardBrand;

    @Column(name = "default_card_last4")
    public String defaultCardLast4;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Uni<StripeCustomer> byCustomerId(String customerId) {
        return find("customerId", customerId).firstResult();
    }
}
