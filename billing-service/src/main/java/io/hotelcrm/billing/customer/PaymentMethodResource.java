package io.hotelcrm.billing.customer;

import com.stripe.exception.CardException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.SetupIntent;
import com.stripe.param.SetupIntentCreateParams;
import io.hotelcrm.billing.stripe.StripeCalls;
import io.hotelcrm.platform.problem.ApiException;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's saved card (PCI SAQ-A: card data goes from the browser to Stripe; we only see the
 * PaymentMethod id). Saved through a SetupIntent for off-session use by stored_card and auto-purchase.
 */
@Path("/api/v1/billing/payment-method")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Payment method")
@SecurityRequirement(name = "jwt")
public class PaymentMethodResource {

    private final CustomerService customers;
    private final StripeCalls stripe;
    private final Caller caller;

    public PaymentMethodResource(CustomerService customers, StripeCalls stripe, Caller caller) {
        this.customers = customers;
        this.stripe = stripe;
        this.caller = caller;
    }

    public record SaveCardRequest(
            @Pattern(regexp = "pm_[A-Za-z0-9_]{1,100}", message = "must be a Stripe PaymentMethod id (pm_…)") String paymentMethodId,
            @Email String billingEmail) {
    }

    public record SavedCard(String paymentMethodId, String brand, String last4) {
    }

    public record SetupResult(String status, String setupIntentId, String clientSecret, SavedCard card) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Save a card for off-session charges (admin)",
            description = "With paymentMethodId (from Stripe Elements) the card is confirmed for off-session use and "
                    + "becomes the default; status requires_action returns the SetupIntent's clientSecret for 3-D Secure. "
                    + "Without it a SetupIntent is created and its clientSecret returned; the card is saved when Stripe "
                    + "reports setup_intent.succeeded.")
    public Uni<SetupResult> saveCard(@Valid SaveCardRequest request) {
        String tenant = caller.tenantId();
        String pm = request == null ? null : request.paymentMethodId();
        String email = request == null ? null : request.billingEmail();
        return customers.ensureCustomer(tenant, email).chain(customer -> {
            SetupIntentCreateParams.Builder params = SetupIntentCreateParams.builder().setCustomer(customer.customerId)
                    .setUsage(SetupIntentCreateParams.Usage.OFF_SESSION).addPaymentMethodType("card")
                    .putMetadata("tenant_id", tenant);
            if (pm != null) {
                params.setPaymentMethod(pm).setConfirm(true);
            }
            String key = pm == null ? null : "setup-" + customer.customerId + "-" + pm;
            return stripe.call("setup_intents.create", key, (s, o) -> s.setupIntents().create(params.build(), o))
                    .onFailure(CardException.class).transform(e -> new ApiException(402, "CARD_DECLINED",
                            "カードが拒否されました", ((CardException) e).getMessage()))
                    .onFailure(InvalidRequestException.class).transform(e -> ApiException.validation(e.getMessage()))
                    .chain(setup -> finish(tenant, customer, setup));
        });
    }

    private Uni<SetupResult> finish(String tenant, StripeCustomer customer, SetupIntent setup) {
        if (!"succeeded".equals(setup.getStatus())) {
            return Uni.createFrom().item(new SetupResult(setup.getStatus(), setup.getId(), setup.getClientSecret(), null));
        }
        return stripe.call("payment_methods.retrieve", null, (s, o) -> s.paymentMethods().retrieve(setup.getPaymentMethod(), o))
                .chain(card -> customers.saveDefaultCard(tenant, customer.customerId, card))
                .map(saved -> new SetupResult(setup.getStatus(), setup.getId(), null, view(saved)));
    }

    @GET
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    @Operation(summary = "The saved default card (brand and last four digits only)")
    public Uni<SavedCard> savedCard() {
        return customers.find(caller.tenantId()).map(c -> {
            if (c == null || c.defaultPaymentMethodId == null) {
                throw ApiException.notFound("A saved card");
            }
            return view(c);
        });
    }

    static SavedCard view(StripeCustomer c) {
        return new SavedCard(c.defaultPaymentMethodId, c.defaultCardBrand, c.defaultCardLast4);
    }
}
