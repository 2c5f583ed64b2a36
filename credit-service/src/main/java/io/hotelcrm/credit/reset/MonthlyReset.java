package io.hotelcrm.credit.reset;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** The record of one account's reset for one tenant-local month (the guide's monthly_credit_resets). */
@Entity
@Table(name = "monthly_credit_resets")
public class MonthlyReset extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    @Column(name = "reset_month", nullable = false)
    public String resetMonth;

    @Column(name = "reset_date", nullable = false)
    public Instant resetDate;

    @Column(name = "previous_balance")
    public long previousBalance;

    @Column(name = "free_credits_added")
    public long freeCreditsAdded;

    @Column(name = "carried_over")
    public long carriedOver;

    @Column(name = "last_month_usage")
    public long lastMonthUsage;

    @Column(name = "most_used_function")
    public String mostUsedFunction;

    @Column(name = "efficiency_score")
    public BigDecimal efficiencyScore;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
