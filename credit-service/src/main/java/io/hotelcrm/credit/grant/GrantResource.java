package io.hotelcrm.credit.grant;

import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.ledger.LedgerTransaction;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.platform.problem.ApiException;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Internal: grant credits to a tenant (support bonuses, compensation); service role only. */
@Path("/internal/v1/grants")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal: grants")
@SecurityRequirement(name = "jwt")
@RolesAllowed(Roles.SERVICE)
public class GrantResource {

    private final Ledger ledger;
    private final Caller caller;

    public GrantResource(Ledger ledger, Caller caller) {
        this.ledger = ledger;
        this.caller = caller;
    }

    public record GrantRequest(
            @NotBlank String tenantId,
            @NotBlank @Pattern(regexp = "BONUS|REFUND|PURCHASE") String source,
            @NotNull @Min(1) @Max(10_000_000) Long credits,
            Instant expiresAt,
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._:@/-]{1,200}") String idempotencyKey,
            @Size(max = 200) String reference,
            @Size(max = 500) String description) {
    }

    public record GrantResult(String transactionId, String grantId, long credits, long balanceAfter) {
    }

    @POST
    @Operation(summary = "Grant credits (idempotent by idempotencyKey)")
    public Uni<GrantResult> grant(@Valid @NotNull GrantRequest request) {
        String tenant = caller.tenantFor(request.tenantId());
        GrantSource source = GrantSource.valueOf(request.source());
        if (request.expiresAt() != null && request.expiresAt().isBefore(Instant.parse("2000-01-01T00:00:00Z"))) {
            throw ApiException.validation("expiresAt is not a plausible date");
        }
        TransactionType type = switch (source) {
            case PURCHASE -> TransactionType.PURCHASE;
            case REFUND -> TransactionType.REFUND;
            default -> TransactionType.BONUS;
        };
        String hash = RequestHash.of("grant", source, request.credits(), request.expiresAt(), request.reference());
        return ledger.<LedgerTransaction>submit(new LedgerOp.Grant(tenant, source, request.credits(), request.expiresAt(),
                        request.reference(), type, request.idempotencyKey(), hash, caller.userId(), request.description(),
                        null, null))
                .map(tx -> new GrantResult(tx.id.toString(), tx.grantId.toString(), tx.creditsAmount, tx.balanceAfter));
    }
}
