package io.hotelcrm.billing.catalog;

import io.hotelcrm.platform.problem.ApiException;
import io.hotelcrm.platform.security.Roles;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/credits/packages")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Packages")
@SecurityRequirement(name = "jwt")
public class PackageResource {

    private static final Set<String> PLANS = Set.of("ESSENTIAL", "PROFESSIONAL", "ENTERPRISE");

    private final TaxPolicy tax;
    private final Clock clock;

    public PackageResource(TaxPolicy tax, Clock clock) {
        this.tax = tax;
        this.clock = clock;
    }

    @GET
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    @Operation(summary = "Credit packages on sale now, cheapest first")
    public Uni<List<PackageView>> list(
            @Parameter(description = "Only packages offered on this plan (ESSENTIAL, PROFESSIONAL, ENTERPRISE)")
            @QueryParam("planType") String planType) {
        if (planType != null && !PLANS.contains(planType)) {
            throw ApiException.validation("planType must be one of " + PLANS);
        }
        var now = clock.instant();
        return Panache.withSession(() -> CreditPackage.<CreditPackage>find("order by sortOrder, priceYen").list())
                .map(all -> all.stream()
                        .filter(p -> p.offeredAt(now))
                        .filter(p -> planType == null || p.planType == null || p.planType.equals(planType))
                        .map(p -> PackageView.of(p, tax)).toList());
    }
}
