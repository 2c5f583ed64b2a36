package io.hotelcrm.billing.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Japanese consumption tax on yen amounts (whole yen; fractions rounded down, as is customary). */
@ApplicationScoped
public class TaxPolicy {

    private final int ratePercent;

    public TaxPolicy(@ConfigProperty(name = "billing.consumption-tax-percent") int ratePercent) {
        this.ratePercent = ratePercent;
    }

    public long taxOn(long yen) {
        return yen * ratePercent / 100;
    }

    public long withTax(long yen) {
        return yen + taxOn(yen);
    }
}
