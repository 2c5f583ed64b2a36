package io.hotelcrm.alert.log;

import io.hotelcrm.platform.paging.PageCursor;
import io.hotelcrm.platform.problem.ApiException;
import io.hotelcrm.platform.problem.Problem;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Alerts", description = "The tenant's alert log")
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
    @Operation(summary = "The tenant's alert log, newest first",
            description = "Keyset-paged: pass nextCursor of a page as cursor to read the next one. Staff and admins.")
    @APIResponse(responseCode = "200", description = "A page of alerts")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: unknown type, limit out of range or a cursor this API did not issue",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AlertView.Page> list(
            @Parameter(description = "Only alerts of this type, e.g. LOW_BALANCE") @QueryParam("type") String type,
            @Parameter(description = "true: only acknowledged alerts; false: only open ones") @QueryParam("acknowledged") Boolean acknowledged,
            @Parameter(description = "Page size, 1-100") @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        AlertType alertType = type == null ? null : parseType(type);
        PageCursor after = cursor == null ? null : PageCursor.decode(cursor);
        return alerts.page(caller.tenantId(), alertType, acknowledged, after, limit);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One alert of the tenant")
    @APIResponse(responseCode = "200", description = "The alert")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such alert of this tenant",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AlertView> get(@PathParam("id") String id) {
        return alerts.get(caller.tenantId(), parseId(id));
    }

    @POST
    @Path("/{id}/ack")
    @Operation(summary = "Acknowledge an alert",
            description = "Records who acknowledged the alert and when. Idempotent: a second acknowledgement changes nothing and answers the first.")
    @APIResponse(responseCode = "200", description = "The acknowledged alert")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such alert of this tenant",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AlertView> acknowledge(@PathParam("id") String id) {
        return alerts.acknowledge(caller.tenantId(), parseId(id), caller.userId());
    }

    private static AlertType parseType(String type) {
        try {
            return AlertType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("type must be one of " + Arrays.toString(AlertType.values()));
        }
    }

    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("id must be a UUID");
        }
    }
}
