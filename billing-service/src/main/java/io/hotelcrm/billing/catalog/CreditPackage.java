package io.hotelcrm.billing.catalog;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/** A credit package of the price catalogue (the guide's ai_credit_packages). */
@Entity
@Table(name = "ai_credit_packages")
public class CreditPackage extends PanacheEntityBase {

    @Id
    public String id;

    /** Null: offered on every plan. */
    @Column(name = "plan_type")
    public String planType;

    public long credits;

    /** Whole yen, tax excluded. */
    @Column(name = "price_yen")
    public long priceYen;

    @Column(name = "discount_rate")
    public BigDecimal discountRate;

    @Column(name = "is_bulk")
    public boolean bulk;

    @Column(name = "is_promotional")
    public boolean promotional;

    @Column(name = "valid_from")
    public Instant validFrom;

    @Column(name = "valid_until")
    public Instant validUntil;

    @Column(name = "display_name")
    public String displayName;

    public String description;

    @Column(name = "marketing_highlight")
    public String marketingHighlight;

    @Column(name = "sort_order")
    public int sortOrder;

    public boolean active;

    public boolean offeredAt(Instant now) {
        return active && (validFrom == null || !now.isBefore(validFrom)) && (validUntil == null || now.isBefore(validUntil));
    }
}
