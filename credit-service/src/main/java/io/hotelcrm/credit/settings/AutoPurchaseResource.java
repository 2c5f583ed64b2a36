package io.hotelcrm.credit.settings;

import io.hotelcrm.credit.balance.BalanceView;
import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/credits/auto-purchase")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Auto-purchase")
@SecurityRequirement(name = "jwt")
public class AutoPurchaseResource {

    private final Ledger ledger;
    private final Caller caller;

    public AutoPurchaseResource(Ledger ledger, Caller caller) {
        this.ledger = ledger;
        this.caller = caller;
    }

    public record AutoPurchaseSettings(
            @NotNull Boolean enabled,
            @NotNull @Min(0) @Max(1_000_000) Long threshold,
            @NotNull @Min(1) @Max(1_000_000) Long purchaseAmount,
            @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String packageId) {
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Turn auto-purchase on or off and set its threshold and amount (admin)",
            description = "When enabled and available credits fall to the threshold, billing buys the package "
                    + "(or amount) with the saved card, once per crossing.")
    public Uni<BalanceView.AutoPurchase> update(@Valid @NotNull AutoPurchaseSettings settings) {
        return ledger.submit(new LedgerOp.SetAutoPurchase(caller.tenantId(), caller.userId(), settings.enabled(),
                        settings.threshold(), settings.purchaseAmount(), settings.packageId()))
                .replaceWith(new BalanceView.AutoPurchase(settings.enabled(), settings.threshold(),
                        settings.purchaseAmount()));
    }
}
