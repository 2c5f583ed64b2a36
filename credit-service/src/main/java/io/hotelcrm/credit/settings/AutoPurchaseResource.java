package io.hotelcrm.credit.settings;

import io.hotelcrm.credit.account.AccountService;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.audit.AuditLog;
import io.hotelcrm.credit.balance.BalanceView;
import io.hotelcrm.credit.threshold.ThresholdWatcher;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.quarkus.hibernate.reactive.panache.Panache;
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
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/credits/auto-purchase")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Auto-purchase")
@SecurityRequirement(name = "jwt")
public class AutoPurchaseResource {

    private final AccountService accounts;
    private final ThresholdWatcher thresholds;
    private final AuditLog audit;
    private final Caller caller;

    public AutoPurchaseResource(AccountService accounts, ThresholdWatcher thresholds, AuditLog audit, Caller caller) {
        this.accounts = accounts;
        this.thresholds = thresholds;
        this.audit = audit;
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
        String tenant = caller.tenantId();
        return accounts.accountOf(tenant).chain(opened -> Panache.withTransaction(() ->
                CreditAccount.lock(opened.id).chain(account -> {
                    Map<String, Object> before = Map.of("enabled", account.autoPurchaseEnabled,
                            "threshold", account.autoPurchaseThreshold, "purchaseAmount", account.autoPurchaseAmount);
                    account.autoPurchaseEnabled = settings.enabled();
                    account.autoPurchaseThreshold = settings.threshold();
                    account.autoPurchaseAmount = settings.purchaseAmount();
                    account.autoPurchasePackageId = settings.packageId();
                    Map<String, Object> after = Map.of("enabled", settings.enabled(), "threshold", settings.threshold(),
                            "purchaseAmount", settings.purchaseAmount());
                    return thresholds.afterIncrease(account) // re-arm if now above the new threshold
                            .chain(() -> audit.action(tenant, caller.userId(), AuditLog.SETTINGS_CHANGE,
                                    "ai_credit_account", account.id.toString(), "AUTO_PURCHASE_UPDATED", before, after))
                            .replaceWith(new BalanceView.AutoPurchase(account.autoPurchaseEnabled,
                                    account.autoPurchaseThreshold, account.autoPurchaseAmount));
                })));
    }
}
