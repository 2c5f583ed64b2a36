package io.hotelcrm.billing.subscription;

import io.hotelcrm.billing.subscription.SubscriptionService.SubscriptionView;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/billing/subscription")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Subscription")
@SecurityRequirement(name = "jwt")
public class SubscriptionResource {

    private final SubscriptionService subscriptions;
    private final Caller caller;

    public SubscriptionResource(SubscriptionService subscriptions, Caller caller) {
        this.subscriptions = subscriptions;
        this.caller = caller;
    }

    public record PlanRequest(@NotNull String planType, @Email String billingEmail) {
    }

    @GET
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    @Operation(summary = "The tenant's plan subscription")
    public Uni<SubscriptionView> subscription() {
        return subscriptions.current(caller.tenantId());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Subscribe to a plan (admin)",
            description = "Creates the Stripe subscription with payment_behavior=default_incomplete and returns the first "
                    + "invoice's clientSecret; the plan takes effect (PlanChanged) when Stripe reports it active.")
    public Uni<SubscriptionView> subscribe(@Valid @NotNull PlanRequest request) {
        return subscriptions.subscribe(caller.tenantId(), request.planType(), request.billingEmail());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change plan with proration (admin)",
            description = "Stripe is asked with proration_behavior=always_invoice and payment_behavior=pending_if_incomplete: "
                    + "the prorated difference is charged at once to the saved card, and the new plan applies only when "
                    + "that invoice is paid. The answer's planType is always the plan Stripe bills (never simply the one "
                    + "requested); the plan takes effect (PlanChanged; an upgrade adds the prorated free credits) only "
                    + "when Stripe has moved the subscription to its price. 200: the change is live (paymentStatus paid). "
                    + "202: the proration was not paid (card declined, authentication needed, no card) — the plan is "
                    + "unchanged, paymentStatus payment_failed, pendingPlanType waits at Stripe until pendingExpiresAt "
                    + "(23 h) and applies if the open invoice is paid before (customer.subscription.updated); save "
                    + "another card and PUT again to retry. Not a problem response: the request was valid and Stripe "
                    + "holds the change.")
    @APIResponse(responseCode = "200", description = "The plan changed (or was already the one asked for)",
            content = @Content(schema = @Schema(implementation = SubscriptionView.class)))
    @APIResponse(responseCode = "202", description = "The proration invoice was not paid; the change is pending at Stripe",
            content = @Content(schema = @Schema(implementation = SubscriptionView.class)))
    @APIResponse(responseCode = "409", description = "NO_ACTIVE_SUBSCRIPTION, or PLAN_CHANGE_REJECTED by Stripe")
    public Uni<RestResponse<SubscriptionView>> change(@Valid @NotNull PlanRequest request) {
        return subscriptions.changePlan(caller.tenantId(), request.planType()).map(view -> view.pendingPlanType() == null
                ? RestResponse.ok(view)
                : RestResponse.status(RestResponse.Status.ACCEPTED, view));
    }
}
