package io.hotelcrm.credit.autopurchase;

import io.hotelcrm.credit.account.AutoPurchaseMode;
import io.hotelcrm.credit.autopurchase.BillingCatalogueClient.CataloguePackage;
import io.hotelcrm.credit.balance.BalanceView;
import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.platform.problem.ApiException;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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
    private final PackageCatalogue catalogue;

    public AutoPurchaseResource(Ledger ledger, Caller caller, PackageCatalogue catalogue) {
        this.ledger = ledger;
        this.caller = caller;
        this.catalogue = catalogue;
    }

    public record AutoPurchaseSettings(
            @NotNull Boolean enabled,
            @Schema(description = "Buy when available credits fall to this many or fewer")
            @NotNull @Min(0) @Max(1_000_000) Long threshold,
            @Schema(description = "FIXED (default): one package each time; TOP_UP: as many packages as bring available "
                    + "credits to targetBalance", enumeration = {"FIXED", "TOP_UP"})
            @Pattern(regexp = "FIXED|TOP_UP") String mode,
            @Schema(description = "FIXED without packageId: the package of exactly this many credits")
            @Min(1) @Max(1_000_000) Long purchaseAmount,
            @Schema(description = "The package to buy (GET /api/v1/credits/packages); TOP_UP without it buys the "
                    + "smallest package on sale")
            @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String packageId,
            @Schema(description = "TOP_UP: the available balance to reach; above threshold")
            @Min(1) @Max(10_000_000) Long targetBalance,
            @Schema(description = "At most this many credits bought by auto-purchase in a month (tenant-local); null = no cap")
            @Min(1) @Max(100_000_000) Long monthlyCapCredits,
            @Schema(description = "At most this many yen (tax included) charged by auto-purchase in a month; null = no cap")
            @Min(1) @Max(1_000_000_000) Long monthlyCapYen) {
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Turn auto-purchase on or off and set what it buys (admin)",
            description = "When enabled and available credits fall to the threshold, billing charges the saved card "
                    + "for the package (FIXED) or for enough packages to reach targetBalance (TOP_UP), once per "
                    + "crossing, within the monthly cap. The package is checked against billing's catalogue when "
                    + "saved. Saving starts afresh: no purchase in flight, no failures counted. After three failures "
                    + "in a row auto-purchase turns itself off and admins get a CRITICAL alert.")
    @APIResponse(responseCode = "200", description = "Saved")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED")
    @APIResponse(responseCode = "422", description = "AUTO_PURCHASE_PACKAGE_UNKNOWN: no such package on sale "
            + "(availablePackages lists those that are)")
    @APIResponse(responseCode = "503", description = "CATALOGUE_UNAVAILABLE: billing could not be asked; nothing saved")
    public Uni<BalanceView.AutoPurchase> update(@Valid @NotNull AutoPurchaseSettings settings,
                                                @Context HttpHeaders headers) {
        String tenant = caller.tenantId();
        AutoPurchaseMode mode = settings.mode() == null ? AutoPurchaseMode.FIXED : AutoPurchaseMode.valueOf(settings.mode());
        if (!settings.enabled()) { // turning it off must work whatever billing's state
            return save(tenant, settings, mode, null);
        }
        if (mode == AutoPurchaseMode.TOP_UP && (settings.targetBalance() == null
                || settings.targetBalance() <= settings.threshold())) {
            throw ApiException.validation("TOP_UP needs a targetBalance above the threshold", violation("targetBalance",
                    "must be above threshold"));
        }
        if (mode == AutoPurchaseMode.FIXED && settings.packageId() == null && settings.purchaseAmount() == null) {
            throw ApiException.validation("FIXED needs a packageId or a purchaseAmount", violation("packageId",
                    "packageId or purchaseAmount is required"));
        }
        return catalogue.onSale(headers.getHeaderString(HttpHeaders.AUTHORIZATION))
                .map(onSale -> choose(settings, mode, onSale))
                .chain(pkg -> save(tenant, settings, mode, pkg));
    }

    private Uni<BalanceView.AutoPurchase> save(String tenant, AutoPurchaseSettings s, AutoPurchaseMode mode,
                                              CataloguePackage pkg) {
        return ledger.submit(new LedgerOp.SetAutoPurchase(tenant, caller.userId(), s.enabled(), s.threshold(), mode,
                pkg == null ? null : pkg.id(), pkg == null ? 0 : pkg.credits(),
                pkg == null ? null : pkg.priceYenWithTax(), mode == AutoPurchaseMode.TOP_UP ? s.targetBalance() : null,
                s.monthlyCapCredits(), s.monthlyCapYen()));
    }

    /** The package the settings name, as on sale now; a cap that leaves no room for it is refused too. */
    private static CataloguePackage choose(AutoPurchaseSettings s, AutoPurchaseMode mode, List<CataloguePackage> onSale) {
        CataloguePackage pkg;
        if (s.packageId() != null) {
            pkg = onSale.stream().filter(p -> p.id().equals(s.packageId())).findFirst().orElse(null);
            if (pkg != null && mode == AutoPurchaseMode.FIXED && s.purchaseAmount() != null
                    && s.purchaseAmount() != pkg.credits()) {
                throw ApiException.validation("purchaseAmount " + s.purchaseAmount() + " is not package " + pkg.id()
                        + "'s " + pkg.credits() + " credits", violation("purchaseAmount", "must be the package's credits"));
            }
        } else if (mode == AutoPurchaseMode.FIXED) {
            pkg = onSale.stream().filter(p -> p.credits() == s.purchaseAmount())
                    .min(Comparator.comparingLong(CataloguePackage::priceYenWithTax)).orElse(null);
        } else {
            pkg = onSale.stream().min(Comparator.comparingLong(CataloguePackage::credits)).orElse(null);
        }
        if (pkg == null) {
            throw new ApiException(422, "AUTO_PURCHASE_PACKAGE_UNKNOWN", "指定したパッケージは販売されていません",
                    (s.packageId() != null ? "packageId '" + s.packageId() + "'" : "A package of " + s.purchaseAmount()
                            + " credits") + " is not on sale; choose one of availablePackages",
                    Map.of("availablePackages", onSale), Map.of());
        }
        if (s.monthlyCapCredits() != null && s.monthlyCapCredits() < pkg.credits()) {
            throw ApiException.validation("monthlyCapCredits is below one package (" + pkg.credits() + " credits): "
                    + "auto-purchase could never buy", violation("monthlyCapCredits", "must allow one package"));
        }
        if (s.monthlyCapYen() != null && s.monthlyCapYen() < pkg.priceYenWithTax()) {
            throw ApiException.validation("monthlyCapYen is below one package (¥" + pkg.priceYenWithTax() + "): "
                    + "auto-purchase could never buy", violation("monthlyCapYen", "must allow one package"));
        }
        return pkg;
    }

    private static Map<String, Object> violation(String field, String message) {
        return Map.of("violations", List.of(Map.of("field", field, "message", message)));
    }
}
