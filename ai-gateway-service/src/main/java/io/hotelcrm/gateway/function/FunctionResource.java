package io.hotelcrm.gateway.function;

import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/ai/functions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI functions")
@SecurityRequirement(name = "jwt")
public class FunctionResource {

    private final GatewayConfig config;

    public FunctionResource(GatewayConfig config) {
        this.config = config;
    }

    /** A function and what it costs at the least. */
    public record FunctionInfo(String functionType, long baseCost) {
    }

    @GET
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    @Operation(operationId = "listFunctions", summary = "The AI functions and their base cost in credits",
            description = "Credits charged = ceil(baseCost × complexity), complexity ≥ 1.")
    public List<FunctionInfo> list() {
        return Arrays.stream(FunctionType.values())
                .map(t -> new FunctionInfo(t.name(), config.baseCost(t))).toList();
    }
}
