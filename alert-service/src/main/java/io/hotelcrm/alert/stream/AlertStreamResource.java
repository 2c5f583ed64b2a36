package io.hotelcrm.alert.stream;

import io.hotelcrm.alert.config.AlertConfig;
import io.hotelcrm.alert.log.AlertView;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/alerts/stream")
@Tag(name = "Alerts")
@SecurityRequirement(name = "jwt")
@RolesAllowed({Roles.STAFF, Roles.ADMIN})
public class AlertStreamResource {

    private final AlertStream stream;
    private final AlertConfig config;
    private final Caller caller;

    public AlertStreamResource(AlertStream stream, AlertConfig config, Caller caller) {
        this.stream = stream;
        this.config = config;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Live alerts of the tenant (Server-Sent Events)",
            description = "Opens a stream that first sends a `ready` event, then one `alert` event (data: the Alert as JSON, "
                    + "id: the alert id) for every new alert of the caller's tenant, and a comment line every "
                    + "alert.stream.heartbeat to keep proxies from closing it. Only alerts raised while connected are sent; "
                    + "read GET /api/v1/alerts for earlier ones. Send the bearer token in the Authorization header "
                    + "(use a fetch-based SSE client; the browser EventSource cannot send headers).")
    @APIResponse(responseCode = "200", description = "The event stream")
    public Multi<OutboundSseEvent> streamAlerts(@Context Sse sse) {
        String tenant = caller.tenantId();
        Multi<OutboundSseEvent> alerts = stream.of(tenant).map(alert -> sse.newEventBuilder()
                .name("alert").id(alert.id()).mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(AlertView.class, alert).build());
        Multi<OutboundSseEvent> ready = Multi.createFrom().item(() -> sse.newEventBuilder()
                .name("ready").data(tenant).build());
        Multi<OutboundSseEvent> heartbeat = Multi.createFrom().ticks().every(config.stream().heartbeat())
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        // alerts first: its subscription to the hub is in place before "ready" tells the client so
        return Multi.createBy().merging().streams(alerts, ready, heartbeat);
    }
}
