package io.hotelcrm.billing.purchase;

import io.hotelcrm.billing.purchase.PurchaseViews.PurchasePage;
import io.hotelcrm.billing.purchase.PurchaseViews.PurchaseSummary;
import io.hotelcrm.platform.paging.PageCursor;
import io.hotelcrm.platform.problem.ApiException;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The tenant's purchases, newest first, keyset-paged, and one purchase by its id. */
@Path("/api/v1/billing/purchases")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Purchases")
@SecurityRequirement(name = "jwt")
public class PurchaseListResource {

    private final Caller caller;

    public PurchaseListResource(Caller caller) {
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    @Operation(summary = "Credit purchases and their payment status, newest first")
    public Uni<PurchasePage> listPurchases(
            @Parameter(description = "Page size, 1-100") @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        String tenant = caller.tenantId();
        String query = "tenantId = ?1";
        Object[] params = {tenant};
        if (cursor != null) {
            PageCursor c = PageCursor.decode(cursor);
            query += " and (createdAt < ?2 or (createdAt = ?2 and id < ?3))";
            params = new Object[] {tenant, c.at(), c.id()};
        }
        String q = query + " order by createdAt desc, id desc";
        Object[] p = params;
        return Panache.withSession(() -> Purchase.<Purchase>find(q, p).page(0, limit + 1).list()).map(rows -> {
            boolean more = rows.size() > limit;
            List<Purchase> shown = more ? rows.subList(0, limit) : rows;
            String next = more ? new PageCursor(shown.get(limit - 1).createdAt, shown.get(limit - 1).id).encode() : null;
            return new PurchasePage(shown.stream().map(PurchaseSummary::of).toList(), next);
        });
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.STAFF, Roles.ADMIN})
    @Operation(summary = "One credit purchase and its payment status")
    @APIResponse(responseCode = "200", description = "The purchase")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such purchase of this hotel (another hotel's is not found either)")
    public Uni<PurchaseSummary> getPurchase(
            @Parameter(description = "The purchase id (transactionId)") @PathParam("id") UUID id) {
        String tenant = caller.tenantId();
        return Panache.withSession(() -> Purchase.<Purchase>find("id = ?1 and tenantId = ?2", id, tenant).firstResult())
                .map(found -> {
                    if (found == null) {
                        throw ApiException.notFound("Purchase " + id);
                    }
                    return PurchaseSummary.of(found);
                });
    }
}
