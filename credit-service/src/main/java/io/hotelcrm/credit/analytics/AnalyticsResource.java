package io.hotelcrm.credit.analytics;

import io.hotelcrm.credit.account.AccountService;
import io.hotelcrm.platform.problem.ApiException;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/credits/analytics")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Analytics")
@SecurityRequirement(name = "jwt")
public class AnalyticsResource {

    /** The longest period one request may cover. */
    static final int MAX_DAYS = 366;

    private final AnalyticsService analytics;
    private final AccountService accounts;
    private final Caller caller;
    private final Clock clock;

    public AnalyticsResource(AnalyticsService analytics, AccountService accounts, Caller caller, Clock clock) {
        this.analytics = analytics;
        this.accounts = accounts;
        this.caller = caller;
        this.clock = clock;
    }

    @GET
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    @Operation(summary = "Usage, efficiency, per-function statistics and plan advice for a period",
            description = "Dates are tenant-local (Asia/Tokyo by default); the default period is the last 30 days.")
    public Uni<AnalyticsView> analytics(
            @Parameter(description = "First day, yyyy-MM-dd") @QueryParam("from") String from,
            @Parameter(description = "Last day, yyyy-MM-dd (inclusive)") @QueryParam("to") String to) {
        String tenant = caller.tenantId();
        return accounts.accountOf(tenant).chain(account -> {
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneId.of(account.timeZone));
            LocalDate end = to == null ? today : date("to", to);
            LocalDate start = from == null ? end.minusDays(29) : date("from", from);
            if (start.isAfter(end)) {
                throw ApiException.validation("from must not be after to");
            }
            if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
                throw ApiException.validation("the period may cover at most " + MAX_DAYS + " days");
            }
            return analytics.analyticsOf(tenant, start, end);
        });
    }

    static LocalDate date(String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (RuntimeException e) {
            throw ApiException.validation(name + " must be a date such as 2026-11-01");
        }
    }
}
