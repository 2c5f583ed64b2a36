package io.hotelcrm.billing.autopurchase;

import io.hotelcrm.billing.catalog.CreditPackage;
import io.hotelcrm.billing.catalog.TaxPolicy;
import io.hotelcrm.billing.customer.StripeCustomer;
import io.hotelcrm.billing.purchase.CardCharges;
import io.hotelcrm.billing.purchase.PaymentOutcomes;
import io.hotelcrm.billing.purchase.Purchase;
import io.hotelcrm.billing.purchase.PurchaseService;
import io.hotelcrm.billing.purchase.PurchaseStatus;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.platform.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Auto-purchase: credit-service asks (AutoPurchaseRequested), billing charges the tenant's saved card
 * off-session with the request id as Stripe's idempotency key, so the request is charged at most once
 * however often it is delivered or retried. One charge buys {@code packages()} packages (credits, price and tax on
 * the total); an amount above the request's {@code maxAmountYen} is not charged ({@code price_changed}). Success →
 * PaymentSucceeded, decline, no saved card or a risen price → PaymentFailed, both with source auto_purchase and
 * the request id. A repeated request (same request id) is answered with the recorded outcome again.
 */
@ApplicationScoped
public class AutoPurchaseService {

    private static final Logger LOG = Logger.getLogger(AutoPurchaseService.class);

    private final PurchaseService purchases;
    private final CardCharges cards;
    private final PaymentOutcomes outcomes;
    private final Outbox outbox;
    private final TaxPolicy tax;
    private final Clock clock;

    public AutoPurchaseService(PurchaseService purchases, CardCharges cards, PaymentOutcomes outcomes, Outbox outbox,
                               TaxPolicy tax, Clock clock) {
        this.purchases = purchases;
        this.cards = cards;
        this.outcomes = outcomes;
        this.outbox = outbox;
        this.tax = tax;
        this.clock = clock;
    }

    /**
     * Records the request as a purchase (inside the inbox transaction); failures that need no Stripe call end here.
     * A request billing already has a purchase for (a repeat: credit-service heard no answer in time) is answered
     * with the recorded outcome again; one still PENDING is left to {@link #chargeIfPending}, which asks Stripe again
     * with the same idempotency key, so it is charged at most once.
     */
    Uni<Void> register(String tenant, AutoPurchaseRequested request) {
        return Purchase.byAutoPurchaseRequest(request.requestId()).chain(existing -> existing != null
                ? answerAgain(request, existing)
                : packageFor(request).chain(pkg -> {
                    if (pkg == null) {
                        LOG.warnf("auto-purchase %s of %s: no package of %d credits on sale", request.requestId(), tenant,
                                request.credits());
                        return outbox.publish(EventType.PaymentFailed, tenant, new PaymentFailed(null,
                                "auto-" + request.requestId(), request.packageId(), 0, PurchaseService.SOURCE_AUTO_PURCHASE,
                                "stored_card", "no_matching_package", request.requestId())).replaceWithVoid();
                    }
                    int packages = request.packages();
                    if (request.credits() > 0 && request.credits() != pkg.credits * packages) {
                        LOG.warnf("auto-purchase %s of %s: %d credits requested, %d × %s holds %d; buying the packages",
                                request.requestId(), tenant, request.credits(), packages, pkg.id, pkg.credits * packages);
                    }
                    return StripeCustomer.<StripeCustomer>findById(tenant).chain(customer -> {
                        Purchase p = purchases.newPurchase(tenant, pkg, packages, "stored_card",
                                PurchaseService.SOURCE_AUTO_PURCHASE);
                        p.autoPurchaseRequestId = request.requestId();
                        if (customer == null || customer.defaultPaymentMethodId == null) {
                            return refuse(p, "no_saved_card", "No saved card to charge off-session");
                        }
                        // The bound is packages × the catalogue's tax-included price, as credit-service saw it; the
                        // tax charged is reckoned once on the total, which may be up to a yen per package more.
                        if (request.maxAmountYen() > 0 && packages * tax.withTax(pkg.priceYen) > request.maxAmountYen()) {
                            LOG.warnf("auto-purchase %s of %s: ¥%d to charge now, the settings allowed ¥%d; not charged",
                                    request.requestId(), tenant, p.amountYen, request.maxAmountYen());
                            return refuse(p, "price_changed", "The price rose to ¥" + p.amountYen
                                    + " (tax included) above the ¥" + request.maxAmountYen() + " the settings allowed");
                        }
                        p.paymentMethodId = customer.defaultPaymentMethodId;
                        return p.persist().replaceWithVoid();
                    });
                }));
    }

    /** A purchase billing will not charge: recorded FAILED and announced, without a Stripe call. */
    private Uni<Void> refuse(Purchase p, String code, String message) {
        p.status = PurchaseStatus.FAILED;
        p.failureCode = code;
        p.failureMessage = message;
        return p.persist().chain(() -> outcomes.publishFailure(p));
    }

    /**
     * A known request: its recorded outcome is published again. The row is locked so a webhook settling it at the
     * same moment either settled it before (its outcome is repeated here) or settles it after (and announces it).
     */
    private Uni<Void> answerAgain(AutoPurchaseRequested request, Purchase existing) {
        return Purchase.lock(existing.id).chain(p -> outcomes.republish(p).invoke(repeated -> LOG.infof(
                "auto-purchase %s (attempt %d) of %s: %s%s", request.requestId(), request.attempt(), p.tenantId,
                p.status, repeated ? ", outcome published again" : ""))).replaceWithVoid();
    }

    /** Charges a registered request that is still PENDING (first attempt, or the retry after an unknown outcome). */
    Uni<Void> chargeIfPending(String requestId) {
        return Panache.withSession(() -> Purchase.byAutoPurchaseRequest(requestId)
                        .chain(p -> p == null || p.status != PurchaseStatus.PENDING ? Uni.createFrom().<Object[]>nullItem()
                                : StripeCustomer.<StripeCustomer>findById(p.tenantId).map(c -> new Object[] {p, c})))
                .chain(found -> {
                    if (found == null) {
                        return Uni.createFrom().voidItem();
                    }
                    Purchase p = (Purchase) found[0];
                    StripeCustomer c = (StripeCustomer) found[1];
                    return cards.charge(p, c.customerId, p.paymentMethodId, true, requestId)
                            .invoke(done -> LOG.infof("auto-purchase %s of %s: %s", requestId, p.tenantId, done.status))
                            .onFailure().invoke(e -> LOG.warnf("auto-purchase %s of %s: outcome unknown (%s); will retry",
                                    requestId, p.tenantId, e.getMessage()))
                            .onFailure().recoverWithNull()
                            .replaceWithVoid();
                });
    }

    /** Requests whose charge has not reached Stripe (or whose outcome was lost) for a while. */
    Uni<List<String>> stalePending(Instant olderThan) {
        return Panache.withSession(() -> Purchase.<Purchase>find(
                "status = ?1 and source = ?2 and createdAt < ?3", PurchaseStatus.PENDING,
                PurchaseService.SOURCE_AUTO_PURCHASE, olderThan).page(0, 50).list())
                .map(rows -> rows.stream().map(p -> p.autoPurchaseRequestId).toList());
    }

    /** The configured package, or else the cheapest package on sale holding the requested credits divided by the quantity. */
    private Uni<CreditPackage> packageFor(AutoPurchaseRequested request) {
        Instant now = clock.instant();
        if (request.packageId() != null) {
            return CreditPackage.<CreditPackage>findById(request.packageId())
                    .map(p -> p != null && p.offeredAt(now) ? p : null);
        }
        if (request.credits() % request.packages() != 0) {
            return Uni.createFrom().nullItem();
        }
        return CreditPackage.<CreditPackage>find("credits", request.credits() / request.packages()).list()
                .map(all -> all.stream().filter(p -> p.offeredAt(now))
                        .min(Comparator.comparingLong(p -> p.priceYen)).orElse(null));
    }
}
