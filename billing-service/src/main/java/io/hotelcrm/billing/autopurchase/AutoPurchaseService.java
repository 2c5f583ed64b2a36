package io.hotelcrm.billing.autopurchase;

import io.hotelcrm.billing.catalog.CreditPackage;
import io.hotelcrm.billing.customer.StripeCustomer;
import io.hotelcrm.billing.purchase.CardCharges;
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
 * however often it is delivered or retried. Success → PaymentSucceeded, decline or no saved card →
 * PaymentFailed, both with source auto_purchase and the request id.
 */
@ApplicationScoped
public class AutoPurchaseService {

    private static final Logger LOG = Logger.getLogger(AutoPurchaseService.class);

    private final PurchaseService purchases;
    private final CardCharges cards;
    private final Outbox outbox;
    private final Clock clock;

    public AutoPurchaseService(PurchaseService purchases, CardCharges cards, Outbox outbox, Clock clock) {
        this.purchases = purchases;
        this.cards = cards;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Records the request as a purchase (inside the inbox transaction); failures that need no Stripe call end here. */
    Uni<Void> register(String tenant, AutoPurchaseRequested request) {
        return Purchase.byAutoPurchaseRequest(request.requestId()).chain(existing -> existing != null
                ? Uni.createFrom().voidItem()
                : packageFor(request).chain(pkg -> {
                    if (pkg == null) {
                        LOG.warnf("auto-purchase %s of %s: no package of %d credits on sale", request.requestId(), tenant,
                                request.credits());
                        return outbox.publish(EventType.PaymentFailed, tenant, new PaymentFailed(null,
                                "auto-" + request.requestId(), request.packageId(), 0, PurchaseService.SOURCE_AUTO_PURCHASE,
                                "stored_card", "no_matching_package", request.requestId())).replaceWithVoid();
                    }
                    return StripeCustomer.<StripeCustomer>findById(tenant).chain(customer -> {
                        Purchase p = purchases.newPurchase(tenant, pkg, "stored_card", PurchaseService.SOURCE_AUTO_PURCHASE);
                        p.autoPurchaseRequestId = request.requestId();
                        if (customer == null || customer.defaultPaymentMethodId == null) {
                            p.status = PurchaseStatus.FAILED;
                            p.failureCode = "no_saved_card";
                            p.failureMessage = "No saved card to charge off-session";
                            return p.persist().chain(() -> outbox.publish(EventType.PaymentFailed, tenant, new PaymentFailed(
                                    null, p.id.toString(), p.packageId, p.amountYen, p.source, p.method, p.failureCode,
                                    p.autoPurchaseRequestId))).replaceWithVoid();
                        }
                        p.paymentMethodId = customer.defaultPaymentMethodId;
                        return p.persist().replaceWithVoid();
                    });
                }));
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

    /** The configured package, or else the package on sale with exactly the requested credits. */
    private Uni<CreditPackage> packageFor(AutoPurchaseRequested request) {
        Instant now = clock.instant();
        if (request.packageId() != null) {
            return CreditPackage.<CreditPackage>findById(request.packageId())
                    .map(p -> p != null && p.offeredAt(now) ? p : null);
        }
        return CreditPackage.<CreditPackage>find("credits", request.credits()).list()
                .map(all -> all.stream().filter(p -> p.offeredAt(now))
                        .min(Comparator.comparingLong(p -> p.priceYen)).orElse(null));
    }
}
