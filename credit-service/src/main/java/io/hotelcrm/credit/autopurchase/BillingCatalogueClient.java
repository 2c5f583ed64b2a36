package io.hotelcrm.credit.autopurchase;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** billing-service's package catalogue, read with the admin's own token (billing shows it to staff and admins). */
@RegisterRestClient(configKey = "billing")
@Path("/api/v1/credits/packages")
public interface BillingCatalogueClient {

    /** A package on sale as billing shows it (other fields ignored). */
    record CataloguePackage(String id, long credits, long priceYenWithTax) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<List<CataloguePackage>> packages(@HeaderParam("Authorization") String authorization);
}
