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
import org.eclipse.microprofile.openapi.annotations.Operation;
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
            description = "The prorated difference is invoiced at once; an upgrade adds the prorated free credits.")
    public Uni<SubscriptionView> change(@Valid @NotNull PlanRequest request) {
        return subscriptions.changePlan(caller.tenantId(), request.planType());
    }
}
