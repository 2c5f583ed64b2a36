package io.hotelcrm.billing.purchase;

import com.stripe.exception.InvalidRequestException;
import com.stripe.param.TaxRateCreateParams;
import io.hotelcrm.billing.BillingConfig;
import io.hotelcrm.billing.stripe.StripeCalls;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;

/**
 * The Stripe TaxRate for Japanese consumption tax, shown on every invoice: the configured one, or one made
 * once at Stripe and remembered in {@code stripe_reference} (re-made if Stripe no longer knows it).
 */
@ApplicationScoped
public class TaxRates {

    private final StripeCalls stripe;
    private final BillingConfig config;
    private volatile String cached;

    public TaxRates(StripeCalls stripe, BillingConfig config) {
        this.stripe = stripe;
        this.config = config;
        this.cached = config.stripe().taxRateId().orElse(null);
    }

    public Uni<String> consumptionTax() {
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        String name = "consumption_tax_" + config.consumptionTaxPercent();
        // A remembered id is checked once per process: after a switch of Stripe account or mode it names
        // nothing, and every invoice would be refused.
        return stored(name).chain(id -> id == null ? create(name)
                        : existsAtStripe(id).chain(exists -> exists ? Uni.createFrom().item(id) : create(name)))
                .invoke(id -> cached = id);
    }

    private Uni<Boolean> existsAtStripe(String id) {
        return stripe.call("tax_rates.retrieve", null, (s, o) -> s.taxRates().retrieve(id, o))
                .map(rate -> true)
                .onFailure(e -> e instanceof InvalidRequestException invalid && "resource_missing".equals(invalid.getCode()))
                .recoverWithItem(false);
    }

    private Uni<String> create(String name) {
        int percent = config.consumptionTaxPercent();
        return stripe.call("tax_rates.create", "tax-rate-" + name, (s, o) -> s.taxRates().create(
                        TaxRateCreateParams.builder().setDisplayName("消費税").setDescription("消費税 " + percent + "%")
                                .setPercentage(BigDecimal.valueOf(percent)).setInclusive(false).setCountry("JP")
                                .setTaxType(TaxRateCreateParams.TaxType.JCT).build(), o))
                .chain(rate -> Panache.withTransaction(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                                "insert into stripe_reference (name, stripe_id) values (?1, ?2) "
                                        + "on conflict (name) do update set stripe_id = excluded.stripe_id")
                        .setParameter(1, name).setParameter(2, rate.getId()).executeUpdate())))
                .chain(() -> stored(name));
    }

    private Uni<String> stored(String name) {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "select stripe_id from stripe_reference where name = ?1", String.class)
                .setParameter(1, name).getResultList()))
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }
}
