package io.hotelcrm.billing.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A package as the purchase modal shows it. */
@Schema(name = "CreditPackage")
public record PackageView(
        String id,
        String planType,
        long credits,
        @Schema(description = "Price in whole yen, consumption tax excluded") long priceYen,
        @Schema(description = "Price in whole yen including 10% consumption tax") long priceYenWithTax,
        @Schema(description = "Discount as a percentage, e.g. 10 for 10% OFF") int discountPercent,
        @Schema(description = "Yen per credit, two decimals (1クレジット: ¥x.xx)") BigDecimal yenPerCredit,
        boolean bulk,
        boolean promotional,
        Instant validFrom,
        Instant validUntil,
        String displayName,
        String description,
        String marketingHighlight) {

    static PackageView of(CreditPackage p, TaxPolicy tax) {
        return new PackageView(p.id, p.planType, p.credits, p.priceYen, tax.withTax(p.priceYen),
                p.discountRate.movePointRight(2).intValue(),
                BigDecimal.valueOf(p.priceYen).divide(BigDecimal.valueOf(p.credits), 2, RoundingMode.HALF_UP),
                p.bulk, p.promotional, p.validFrom, p.validUntil, p.displayName, p.description, p.marketingHighlight);
    }
}
