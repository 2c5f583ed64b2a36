package io.hotelcrm.credit.account;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;

/** Month boundaries in a tenant's own time zone (a JST month ends at 15:00 UTC on its last day). */
public final class TenantMonths {

    private TenantMonths() {
    }

    /** The first instant of the month in {@code zone}. */
    public static Instant startOf(YearMonth month, ZoneId zone) {
        return month.atDay(1).atStartOfDay(zone).toInstant();
    }

    /** The first instant after the month in {@code zone}: a grant expiring then is usable all month. */
    public static Instant endOf(YearMonth month, ZoneId zone) {
        return startOf(month.plusMonths(1), zone);
    }
}
