package io.hotelcrm.credit.balance;

import io.hotelcrm.platform.problem.Problem;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/credits/balance")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Balance")
@SecurityRequirement(name = "jwt")
public class BalanceResource {

    private final BalanceService balances;
    private final Caller caller;

    public BalanceResource(BalanceService balances, Caller caller) {
        this.balances = balances;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    @Operation(summary = "The caller's tenant's balance, auto-purchase settings and recent usage",
            description = "Opens the account with the plan's free credits on first use.")
    @APIResponse(responseCode = "200", description = "Balance")
    @APIResponse(responseCode = "401", description = "No or invalid token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<BalanceView> balance() {
        return balances.balanceOf(caller.tenantId());
    }
}
