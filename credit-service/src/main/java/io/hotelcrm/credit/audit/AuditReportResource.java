package io.hotelcrm.credit.audit;

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
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/credits/audit-report")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit")
@SecurityRequirement(name = "jwt")
public class AuditReportResource {

    private final AuditReportService reports;
    private final AccountService accounts;
    private final Caller caller;
    private final Clock clock;

    public AuditReportResource(AuditReportService reports, AccountService accounts, Caller caller, Clock clock) {
        this.reports = reports;
        this.accounts = accounts;
        this.caller = caller;
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Audit report with compliance checks (admin)")
    public Uni<AuditReport> report(@QueryParam("from") String from, @QueryParam("to") String to) {
        return accounts.accountOf(caller.tenantId()).chain(account -> {
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneId.of(account.timeZone));
            LocalDate end = to == null ? today : parse("to", to);
            LocalDate start = from == null ? end.minusDays(29) : parse("from", from);
            if (start.isAfter(end) || ChronoUnit.DAYS.between(start, end) >= 366) {
                throw ApiException.validation("from must not be after to, and the period may cover at most 366 days");
            }
            return reports.report(account, start, end);
        });
    }

    private static LocalDate parse(String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (RuntimeException e) {
            throw ApiException.validation(name + " must be a date such as 2026-11-01");
        }
    }
}
