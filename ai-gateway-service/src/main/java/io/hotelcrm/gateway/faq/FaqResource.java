package io.hotelcrm.gateway.faq;

import io.hotelcrm.platform.problem.Problem;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The tenant's FAQ knowledge base, which the built-in chatbot answers from (admin). */
@Path("/api/v1/ai/faq")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "FAQ knowledge base")
@SecurityRequirement(name = "jwt")
@RolesAllowed(Roles.ADMIN)
public class FaqResource {

    private final FaqService faq;
    private final FaqKnowledge knowledge;
    private final Caller caller;

    public FaqResource(FaqService faq, FaqKnowledge knowledge, Caller caller) {
        this.faq = faq;
        this.knowledge = knowledge;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "listFaqEntries", summary = "The FAQ the chatbot answers from (admin)",
            description = "The tenant's own entries first, then the shared defaults it has not overridden.")
    public Uni<List<FaqViews.FaqView>> list() {
        return faq.listEntries(caller.tenantId());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One FAQ entry (admin)")
    @APIResponse(responseCode = "404", description = "NOT_FOUND (also for another tenant's entry)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<FaqViews.FaqView> get(@PathParam("id") String id) {
        return faq.entry(caller.tenantId(), id);
    }

    @POST
    @Operation(summary = "Add an FAQ entry (admin)",
            description = "A new question that asks the same as a default entry replaces that default for this "
                    + "tenant; name another default in 'overrides' to replace it explicitly. Send an Idempotency-Key "
                    + "to make retries safe.")
    @APIResponse(responseCode = "201", description = "Created (also the answer to a replay of the same key)")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "FAQ_LIMIT_REACHED, FAQ_ALREADY_OVERRIDDEN or IDEMPOTENCY_CONFLICT",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> add(@Valid @NotNull FaqViews.FaqInput input,
                             @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return faq.addEntry(caller.tenantId(), input, idempotencyKey).invoke(this::changed).map(saved -> Response
                .created(URI.create("/api/v1/ai/faq/" + saved.entry().id())).entity(saved.entry()).build());
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Change one of the tenant's FAQ entries (admin)")
    @APIResponse(responseCode = "409", description = "DEFAULT_FAQ_READ_ONLY: defaults are shared; override instead",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<FaqViews.FaqView> update(@PathParam("id") String id, @Valid @NotNull FaqViews.FaqInput input) {
        return faq.updateEntry(caller.tenantId(), id, input).invoke(this::changed);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete one of the tenant's FAQ entries (admin)",
            description = "A default the entry overrode is part of the tenant's FAQ again.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Void> delete(@PathParam("id") String id) {
        return faq.deleteEntry(caller.tenantId(), id).invoke(this::changed);
    }

    /** Here, once the service's transaction has committed: the chatbot then reads the new FAQ. */
    private void changed() {
        knowledge.changed(caller.tenantId());
    }
}
