package io.hotelcrm.credit.plan;

/** The CRM plans (product.md §3). */
public enum PlanType {
    ESSENTIAL, PROFESSIONAL, ENTERPRISE
}
