package io.hotelcrm.contracts.billing;

import java.time.Instant;

/** The tenant's CRM plan changed (ESSENTIAL, PROFESSIONAL, ENTERPRISE). */
public record PlanChanged(String previousPlan, String newPlan, Instant effectiveAt, String subscriptionId) {
}
