package io.hotelcrm.credit.hold;

import io.hotelcrm.contracts.hold.HoldApi;
import io.hotelcrm.contracts.hold.HoldApi.CaptureRequest;
import io.hotelcrm.contracts.hold.HoldApi.CaptureView;
import io.hotelcrm.contracts.hold.HoldApi.ChargeRequest;
import io.hotelcrm.contracts.hold.HoldApi.HoldView;
import io.hotelcrm.contracts.hold.HoldApi.ReleaseRequest;
import io.hotelcrm.contracts.hold.HoldApi.ReleaseView;
import io.hotelcrm.contracts.hold.HoldApi.ReserveRequest;
import io.hotelcrm.platform.problem.ApiException;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The internal hold API the AI gateway calls (service role only). */
@Path("/internal/v1/holds")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal: holds")
@SecurityRequirement(name = "jwt")
@RolesAllowed(Roles.SERVICE)
public class HoldResource {

    private final HoldService holds;

    public HoldResource(HoldService holds) {
        this.holds = holds;
    }

    @POST
    @Operation(summary = "Reserve credits before running an AI function",
            description = "Idempotent by idempotencyKey: a replay answers the first result; other content with the same key is 409.")
    @APIResponse(responseCode = "200", description = "Reserved")
    @APIResponse(responseCode = "402", description = "INSUFFICIENT_CREDITS")
    @APIResponse(responseCode = "409", description = "IDEMPOTENCY_CONFLICT")
    public Uni<HoldView> reserve(@Valid @NotNull ReserveRequest request) {
        return holds.reserveCredits(request);
    }

    @POST
    @Path(HoldApi.CHARGE)
    @Operation(summary = "Reserve and capture at once, for a result that is ready before it is charged",
            description = "The hold is made under hold.idempotencyKey and captured under capture.idempotencyKey, as "
                    + "the two calls would: replaying the charge, the reservation or the capture answers the first "
                    + "result, and releasing the hold answers HOLD_NOT_PENDING with the credits it charged.")
    @APIResponse(responseCode = "200", description = "Charged")
    @APIResponse(responseCode = "400", description = "CAPTURE_EXCEEDS_HOLD or VALIDATION_FAILED")
    @APIResponse(responseCode = "402", description = "INSUFFICIENT_CREDITS: the worst case is not available")
    @APIResponse(responseCode = "409", description = "IDEMPOTENCY_CONFLICT")
    public Uni<CaptureView> charge(@Valid @NotNull ChargeRequest request) {
        return holds.charge(request);
    }

    @POST
    @Path("/{holdId}/capture")
    @Operation(summary = "Charge the actual cost (at most the hold); the rest is released")
    @APIResponse(responseCode = "400", description = "CAPTURE_EXCEEDS_HOLD or VALIDATION_FAILED")
    @APIResponse(responseCode = "404", description = "Unknown hold")
    @APIResponse(responseCode = "409", description = "HOLD_NOT_PENDING, HOLD_EXPIRED or IDEMPOTENCY_CONFLICT")
    public Uni<CaptureView> capture(@PathParam("holdId") String holdId, @Valid @NotNull CaptureRequest request) {
        return holds.captureHold(parse(holdId), request);
    }

    @POST
    @Path("/{holdId}/release")
    @Operation(summary = "Give the reserved credits back (idempotent)")
    @APIResponse(responseCode = "409", description = "HOLD_NOT_PENDING (already captured)")
    public Uni<ReleaseView> release(@PathParam("holdId") String holdId, @Valid ReleaseRequest request) {
        return holds.releaseHold(parse(holdId), request == null ? null : request.idempotencyKey());
    }

    private static UUID parse(String holdId) {
        try {
            return UUID.fromString(holdId);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("holdId must be a UUID");
        }
    }
}
