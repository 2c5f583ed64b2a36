package io.hotelcrm.alert.delivery;

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
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/alerts/deliveries")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Alert channels")
@SecurityRequirement(name = "jwt")
@RolesAllowed(Roles.ADMIN)
public class DeliveryResource {

    private final DeliveryService deliveries;
    private final Caller caller;

    public DeliveryResource(DeliveryService deliveries, Caller caller) {
        this.deliveries = deliveries;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The tenant's alert deliveries; by default the dead letters",
            description = "Every alert is delivered per channel (EMAIL per admin, SLACK, DASHBOARD) and retried with "
                    + "exponential backoff; a delivery whose last attempt failed is DEAD. Newest first.")
    @APIResponse(responseCode = "200", description = "Deliveries, newest first")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<List<DeliveryView>> listDeliveries(
            @Parameter(description = "PENDING, SENT or DEAD (default); ALL for every status") @QueryParam("status") @DefaultValue("DEAD") String status,
            @Parameter(description = "Only the deliveries of this alert") @QueryParam("alertId") String alertId,
            @Parameter(description = "At most this many, 1-100") @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(100) int limit) {
        DeliveryStatus wanted = "ALL".equals(status) ? null : parseStatus(status);
        return deliveries.list(caller.tenantId(), wanted, alertId == null ? null : parseId(alertId, "alertId"), limit);
    }

    @POST
    @Path("/{id}/retry")
    @Operation(summary = "Retry a dead delivery", description = "Puts a DEAD delivery back in the queue with a fresh set of attempts.")
    @APIResponse(responseCode = "200", description = "The delivery, PENDING again")
    @APIResponse(responseCode = "404", description = "NOT_FOUND",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "DELIVERY_NOT_DEAD: only dead deliveries can be retried",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<DeliveryView> retryDelivery(@PathParam("id") String id) {
        return deliveries.retry(caller.tenantId(), parseId(id, "id"));
    }

    private static DeliveryStatus parseStatus(String status) {
        try {
            return DeliveryStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("status must be ALL or one of " + Arrays.toString(DeliveryStatus.values()));
        }
    }

    private static UUID parseId(String id, String name) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(name + " must be a UUID");
        }
    }
}
