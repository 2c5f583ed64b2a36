package io.hotelcrm.billing.refund;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.billing.refund.RefundViews.RefundBody;
import io.hotelcrm.billing.refund.RefundViews.RefundView;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/billing/purchases/{id}/refund")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Purchases")
@SecurityRequirement(name = "jwt")
public class RefundResource {

    private final AdminRefunds refunds;
    private final Caller caller;
    private final ObjectMapper json;
    private final Validator validator;

    public RefundResource(AdminRefunds refunds, Caller caller, ObjectMapper json, Validator validator) {
        this.refunds = refunds;
        this.caller = caller;
        this.json = json;
        this.validator = validator;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Refund a paid purchase, fully or in part (admin)",
            description = "Asks Stripe to refund the purchase's payment (card, saved card or invoice). Without a body, "
                    + "all that remains refundable; with credits or amountYen, that part. The answer is the refund's "
                    + "state (Stripe's refund status). The credits are taken back when Stripe reports the refund "
                    + "(charge.refunded), exactly as for a refund made in the Stripe dashboard, only what is left of the "
                    + "purchase's grant and never twice. A retry with the same Idempotency-Key answers the same refund as "
                    + "it stands now and never refunds again; another body or purchase under that key is "
                    + "409 IDEMPOTENCY_CONFLICT.")
    @APIResponse(responseCode = "200", description = "The refund as Stripe has it now")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: no Idempotency-Key, both credits and amountYen, "
            + "or a value below 1")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: not an admin")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such purchase of this hotel")
    @APIResponse(responseCode = "409", description = "PURCHASE_NOT_PAID, REFUND_EXCEEDS_REFUNDABLE (member refundableYen), "
            + "PAYMENT_NOT_REFUNDABLE, REFUND_REJECTED (Stripe refused; member stripeCode) or IDEMPOTENCY_CONFLICT")
    @APIResponse(responseCode = "503", description = "PROVIDER_UNAVAILABLE: Stripe's answer is not known; retry with the "
            + "same Idempotency-Key")
    public Uni<RefundView> refundPurchase(
            @Parameter(description = "The purchase id (transactionId of the purchase)") @PathParam("id") UUID id,
            @Parameter(description = "Chosen by the client per refund; required") @HeaderParam("Idempotency-Key") String key,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RefundBody.class))) String body) throws JsonProcessingException {
        return refunds.refund(caller.tenantId(), caller.userId(), id, key, read(body));
    }

    /** The body is optional, so it is read here: a JSON body needs a Content-Type, "no body" may come without one. */
    private RefundBody read(String body) throws JsonProcessingException {
        if (body == null || body.isBlank()) {
            return null;
        }
        RefundBody parsed = json.readValue(body, RefundBody.class);
        Set<ConstraintViolation<RefundBody>> violations = parsed == null ? Set.of() : validator.validate(parsed);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return parsed;
    }
}
