package io.hotelcrm.platform.security;

/** The values of the JWT {@code groups} claim (design.md §6). */
public final class Roles {
    /** Hotel staff: run AI functions, read balance, history, analytics and alerts. */
    public static final String STAFF = "staff";
    /** Hotel administrators: also buy credits, change plan and settings, read the audit report. */
    public static final String ADMIN = "admin";
    /** Our own services calling internal APIs on a tenant's behalf. */
    public static final String SERVICE = "service";

    private Roles() {
    }
}
