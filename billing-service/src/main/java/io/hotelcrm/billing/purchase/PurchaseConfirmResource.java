package io.hotelcrm.billing.purchase;

import io.hotelcrm.billing.purchase.PurchaseViews.PurchaseResponse;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The dashboard's /purchases/{id}/confirm page: an admin confirms a purchase that waits for 3-D Secure. */
@Path("/api/v1/billing/purchases/{id}/confirm")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Purchases")
@SecurityRequirement(name = "jwt")
public class PurchaseConfirmResource {

    private final PurchaseConfirmations confirmations;
    private final Caller caller;

    public PurchaseConfirmResource(PurchaseConfirmations confirmations, Caller caller) {
        this.confirmations = confirmations;
        this.caller = caller;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Confirm a purchase that waits for 3-D Secure (admin)",
            description = "For a purchase in REQUIRES_ACTION (an auto-purchase whose off-session charge the bank wants "
                    + "authenticated; PaymentActionRequired links here through the dashboard): confirms its PaymentIntent "
                    + "on-session with the purchase's saved card and answers as POST /api/v1/credits/purchase does — "
                    + "payment.paymentStatus requires_action with paymentIntentId and clientSecret for the browser's 3-D "
                    + "Secure (Stripe.js handleNextAction), or completed / failed. A PaymentIntent already waiting for the "
                    + "browser is answered with its clientSecret and not confirmed again. No body. Credits are granted when "
                    + "Stripe reports the payment (payment_intent.succeeded), exactly once; a paid purchase answers "
                    + "completed and nothing is charged again.")
    @APIResponse(responseCode = "200", description = "The purchase: requires_action (clientSecret), completed or failed")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: not an admin")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such purchase of this hotel")
    @APIResponse(responseCode = "409", description = "PURCHASE_NOT_AWAITING_ACTION (member paymentStatus): the purchase "
            + "is pending, failed or an invoice; nothing changed")
    @APIResponse(responseCode = "503", description = "PROVIDER_UNAVAILABLE: Stripe's answer is not known; ask again",
            headers = @Header(name = "Retry-After", description = "Seconds to wait before asking again"))
    public Uni<PurchaseResponse> confirmPurchase(
            @Parameter(description = "The purchase id (transactionId; PaymentActionRequired.purchaseId)") @PathParam("id") UUID id) {
        return confirmations.confirm(caller.tenantId(), id);
    }
}
