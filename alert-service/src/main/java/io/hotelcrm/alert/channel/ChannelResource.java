package io.hotelcrm.alert.channel;

import io.hotelcrm.platform.problem.Problem;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/alerts/channels")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Alert channels", description = "Where the tenant's alerts go (administrators)")
@SecurityRequirement(name = "jwt")
@RolesAllowed(Roles.ADMIN)
public class ChannelResource {

    private final ChannelSettingsService settings;
    private final Caller caller;

    public ChannelResource(ChannelSettingsService settings, Caller caller) {
        this.settings = settings;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The tenant's alert channels",
            description = "Admin e-mail addresses, the Slack webhook and the muted alert types. Empty until an administrator saves them.")
    @APIResponse(responseCode = "200", description = "The settings")
    public Uni<ChannelSettingsView> getChannels() {
        return settings.view(caller.tenantId());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the tenant's alert channels",
            description = "Replaces all settings at once. Invalid input (a malformed or duplicate address, too many addresses, "
                    + "a webhook URL that is not a Slack incoming webhook, an unknown alert type) is answered with 400 "
                    + "VALIDATION_FAILED listing every violation, and nothing is changed.")
    @APIResponse(responseCode = "200", description = "The saved settings")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED or MALFORMED_REQUEST; nothing was changed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "FORBIDDEN: administrators only",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ChannelSettingsView> replaceChannels(@Valid @NotNull ChannelSettingsRequest request) {
        return settings.replace(caller.tenantId(), caller.userId(), request);
    }
}
