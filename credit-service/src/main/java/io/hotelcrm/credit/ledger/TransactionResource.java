package io.hotelcrm.credit.ledger;

import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.credit.account.AccountService;
import io.hotelcrm.platform.paging.PageCursor;
import io.hotelcrm.platform.problem.ApiException;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The tenant's credit history, newest first, keyset-paged. */
@Path("/api/v1/credits/transactions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Transactions")
@SecurityRequirement(name = "jwt")
public class TransactionResource {

    private final AccountService accounts;
    private final Caller caller;

    public TransactionResource(AccountService accounts, Caller caller) {
        this.accounts = accounts;
        this.caller = caller;
    }

    public record TransactionView(String transactionId, String type, long creditsAmount, long balanceAfter,
                                  String functionType, Integer executionTimeMs, Long totalCostYen, String userId,
                                  String description, String referenceId, Instant createdAt,
                                  @Schema(description = "Entries that took credits out (usage, expiry, refund): which "
                                          + "grants paid, in burn order; empty for entries that add credits")
                                  List<PaidFrom> paidFrom) {
        static TransactionView of(LedgerTransaction t) {
            return new TransactionView(t.id.toString(), t.type.name(), t.creditsAmount, t.balanceAfter, t.functionType,
                    t.executionTimeMs, t.totalCostYen, t.userId, t.description, t.referenceId, t.createdAt,
                    paidFrom(t.paidFrom));
        }

        private static List<PaidFrom> paidFrom(String json) {
            if (json == null) {
                return List.of();
            }
            JsonArray shares = new JsonArray(json);
            List<PaidFrom> out = new ArrayList<>(shares.size());
            for (int i = 0; i < shares.size(); i++) {
                JsonObject share = shares.getJsonObject(i);
                out.add(new PaidFrom(share.getString("source"), share.getString("grantId"), share.getLong("credits")));
            }
            return out;
        }
    }

    /** One grant's share of an entry: its source (MONTHLY_FREE, BONUS, REFUND, PURCHASE), id and credits. */
    public record PaidFrom(String source, String grantId, long credits) {
    }

    public record Page(List<TransactionView> items, String nextCursor) {
    }

    @GET
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    @Operation(summary = "Credit transactions, newest first")
    public Uni<Page> list(
            @Parameter(description = "USAGE, PURCHASE, MONTHLY_RESET, BONUS, REFUND, EXPIRY or ADJUSTMENT") @QueryParam("type") String type,
            @Parameter(description = "chatbot, recommendation, prediction, analysis or custom") @QueryParam("functionType") String functionType,
            @Parameter(description = "From this instant (ISO-8601), inclusive") @QueryParam("from") String from,
            @Parameter(description = "Until this instant (ISO-8601), exclusive") @QueryParam("to") String to,
            @Parameter(description = "Page size, 1-100") @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        StringBuilder q = new StringBuilder("accountId = :account");
        Parameters p = new Parameters();
        if (type != null) {
            try {
                p.and("type", TransactionType.valueOf(type.toUpperCase()));
            } catch (IllegalArgumentException e) {
                throw ApiException.validation("type is not a transaction type");
            }
            q.append(" and type = :type");
        }
        if (functionType != null) {
            FunctionType f = FunctionType.parse(functionType);
            if (f == null) {
                throw ApiException.validation("functionType is not an AI function");
            }
            q.append(" and functionType = :function");
            p.and("function", f.name());
        }
        if (from != null) {
            q.append(" and createdAt >= :from");
            p.and("from", instant("from", from));
        }
        if (to != null) {
            q.append(" and createdAt < :to");
            p.and("to", instant("to", to));
        }
        if (cursor != null) {
            PageCursor c = PageCursor.decode(cursor);
            q.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            p.and("at", c.at()).and("id", c.id());
        }
        q.append(" order by createdAt desc, id desc");
        return accounts.accountOf(caller.tenantId()).chain(account -> Panache.withSession(() ->
                LedgerTransaction.<LedgerTransaction>find(q.toString(), p.and("account", account.id))
                        .page(0, limit + 1).list()))
                .map(rows -> {
                    boolean more = rows.size() > limit;
                    List<LedgerTransaction> shown = more ? rows.subList(0, limit) : rows;
                    String next = more ? new PageCursor(shown.get(limit - 1).createdAt, shown.get(limit - 1).id).encode() : null;
                    return new Page(shown.stream().map(TransactionView::of).toList(), next);
                });
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (RuntimeException e) {
            throw ApiException.validation(name + " must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
    }
}
