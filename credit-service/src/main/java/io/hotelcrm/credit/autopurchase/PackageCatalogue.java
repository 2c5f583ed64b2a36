package io.hotelcrm.credit.autopurchase;

import io.hotelcrm.credit.autopurchase.BillingCatalogueClient.CataloguePackage;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * The packages auto-purchase may buy, as billing sells them now. Read only when settings are saved, within
 * {@code credit.auto-purchase.catalogue-timeout}: billing down, slow or refusing is 503 CATALOGUE_UNAVAILABLE with
 * Retry-After, and nothing is saved (turning auto-purchase off never needs the catalogue).
 */
@ApplicationScoped
public class PackageCatalogue {

    private static final Logger LOG = Logger.getLogger(PackageCatalogue.class);

    private final BillingCatalogueClient billing;
    private final CreditConfig config;

    public PackageCatalogue(@RestClient BillingCatalogueClient billing, CreditConfig config) {
        this.billing = billing;
        this.config = config;
    }

    public Uni<List<CataloguePackage>> onSale(String authorization) {
        return billing.packages(authorization)
                .ifNoItem().after(config.autoPurchase().catalogueTimeout()).fail()
                .onFailure().transform(e -> {
                    LOG.warnf("billing's package catalogue could not be read: %s", e.toString());
                    return new ApiException(503, "CATALOGUE_UNAVAILABLE", "一時的に設定を保存できません",
                            "billing-service's package catalogue could not be read to check the package; nothing was "
                                    + "saved. Retry in a few seconds (turning auto-purchase off does not need it)")
                            .withHeader("Retry-After", "5");
                });
    }
}
