package io.hotelcrm.alert.log;

import io.hotelcrm.platform.problem.ApiException;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Alerts")
@SecurityRequirement(name = "jwt")
@RolesAllowed({Roles.STAFF, Roles.ADMIN})
public class AlertResource {

    private final AlertLogService alerts;
    private final Caller caller;

    public AlertResource(AlertLogService alerts, Caller caller) {
        this.alerts = alerts;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The tenant's alert log, newest first")
    public Uni<AlertView.Page> list(
            @Parameter(description = "Only alerts of this type") @QueryParam("type") String type,
            @Parameter(description = "Page size, 1-100") @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        AlertType alertType = type == null ? null : parseType(type);
        AlertCursor after = cursor == null ? null : AlertCursor.decode(cursor);
        return alerts.page(caller.tenantId(), alertType, after, limit);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One alert of the tenant")
    public Uni<AlertView> get(@PathParam("id") String id) {
        return alerts.get(caller.tenantId(), parseId(id));
    }

    private static AlertType parseType(String type) {
        try {
            return AlertType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("type must be one of " + java.util.Arrays.toString(AlertType.values()));
        }
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("id must be a UUID");
        }
    }
}
