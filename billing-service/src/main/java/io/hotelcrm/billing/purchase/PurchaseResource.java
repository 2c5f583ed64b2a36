package io.hotelcrm.billing.purchase;

import io.hotelcrm.billing.catalog.CreditPackage;
import io.hotelcrm.billing.purchase.PurchaseViews.PurchaseRequest;
import io.hotelcrm.billing.purchase.PurchaseViews.PurchaseResponse;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.quarkus.hibernate.reactive.panache.Panache;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/credits/purchase")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Purchases")
@SecurityRequirement(name = "jwt")
public class PurchaseResource {

    private final PurchaseService purchases;
    private final Caller caller;

    public PurchaseResource(PurchaseService purchases, Caller caller) {
        this.purchases = purchases;
        this.caller = caller;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Buy a credit package (admin)",
            description = "stripe: a PaymentIntent with the card from Stripe Elements, confirmed now; requires_action "
                    + "returns the clientSecret for 3-D Secure. stored_card: the saved card, off-session. invoice: a Stripe "
                    + "invoice with 10% consumption tax sent to the billing e-mail, due at month end. Every method charges "
                    + "the tax-inclusive price in whole yen. Credits are granted by credit-service when Stripe reports the "
                    + "payment, exactly once. A retry with the same Idempotency-Key answers the same purchase as it stands "
                    + "now and never charges again; another body under that key is 409 IDEMPOTENCY_CONFLICT.")
    public Uni<PurchaseResponse> purchase(
            @Parameter(description = "Chosen by the client per purchase attempt; required") @HeaderParam("Idempotency-Key") String key,
            @Valid @NotNull PurchaseRequest request) {
        return purchases.purchaseCredits(caller.tenantId(), caller.userId(), key, request)
                .chain(response -> Panache.withSession(() -> CreditPackage.<CreditPackage>findById(request.packageId()))
                        .map(pkg -> PurchaseService.withDiscount(response, pkg)));
    }
}
