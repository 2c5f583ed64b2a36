package io.hotelcrm.credit.plan;

import io.smallrye.config.ConfigMapping;
import java.time.ZoneId;
import java.util.Map;

/** credit-service settings ({@code credit.*} in application.properties). */
@ConfigMapping(prefix = "credit")
public interface CreditConfig {

    /** Plan of an account opened on first use, before billing says otherwise. */
    PlanType defaultPlan();

    /** Time zone of a tenant's month (free credits expire at its end). */
    ZoneId defaultTimeZone();

    /** Per plan, keyed by the lower-case plan name. */
    Map<String, Plan> plans();

    default Plan plan(PlanType type) {
        Plan plan = plans().get(type.name().toLowerCase());
        if (plan == null) {
            throw new IllegalStateException("no credit.plans." + type.name().toLowerCase() + ".* configured");
        }
        return plan;
    }

    interface Plan {
        long monthlyFeeYen();

        long monthlyFreeCredits();

        /** Yen value of one credit on this plan, shown as costPerCredit. */
        long yenPerCredit();

        /** How many months of free credits may roll over (ENTERPRISE: 1). */
        int rolloverMonths();
    }
}
