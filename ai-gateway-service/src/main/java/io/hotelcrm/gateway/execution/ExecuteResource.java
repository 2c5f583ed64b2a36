package io.hotelcrm.gateway.execution;

import io.hotelcrm.platform.problem.Problem;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/ai/execute")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI execution")
@SecurityRequirement(name = "jwt")
public class ExecuteResource {

    private final ExecutionService executions;
    private final Caller caller;

    public ExecuteResource(ExecutionService executions, Caller caller) {
        this.executions = executions;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    @Operation(summary = "Run an AI function and pay for it with credits",
            description = "Credits charged = ceil(baseCost × complexity); the worst case is reserved first and only "
                    + "the actual cost is captured. Send an Idempotency-Key to make retries safe.")
    @APIResponse(responseCode = "200", description = "Executed and charged")
    @APIResponse(responseCode = "402", description = "INSUFFICIENT_CREDITS",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "RATE_LIMIT_EXCEEDED (Retry-After header and retryAfter member)")
    @APIResponse(responseCode = "503", description = "PROVIDER_UNAVAILABLE: nothing was charged")
    public Uni<ExecuteResponse> execute(@Valid @NotNull ExecuteRequest request,
                                        @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return executions.execute(caller.tenantId(), caller.userId(), request, idempotencyKey);
    }
}
