package io.hotelcrm.billing.purchase;

import io.hotelcrm.billing.catalog.CreditPackage;
import io.hotelcrm.billing.catalog.TaxPolicy;
import io.hotelcrm.billing.customer.CustomerService;
import io.hotelcrm.billing.customer.StripeCustomer;
import io.hotelcrm.billing.purchase.PurchaseViews.Discount;
import io.hotelcrm.billing.purchase.PurchaseViews.PaymentPart;
import io.hotelcrm.billing.purchase.PurchaseViews.PurchasePart;
import io.hotelcrm.billing.purchase.PurchaseViews.PurchaseRequest;
import io.hotelcrm.billing.purchase.PurchaseViews.PurchaseResponse;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.platform.persistence.Constraints;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Buying a credit package. The purchase is recorded (PENDING) before Stripe is called, with its id in the
 * PaymentIntent's or invoice's metadata, so a webhook can never arrive for a purchase we do not know.
 * The caller's Idempotency-Key makes a retry answer the same purchase and never charge twice; the Stripe
 * calls carry keys derived from the purchase id for the same reason.
 */
@ApplicationScoped
public class PurchaseService {

    public static final String SOURCE_AUTO_PURCHASE = "auto_purchase";

    private final CustomerService customers;
    private final CardCharges cards;
    private final InvoiceIssuer invoices;
    private final TaxPolicy tax;
    private final Clock clock;

    public PurchaseService(CustomerService customers, CardCharges cards, InvoiceIssuer invoices, TaxPolicy tax, Clock clock) {
        this.customers = customers;
        this.cards = cards;
        this.invoices = invoices;
        this.tax = tax;
        this.clock = clock;
    }

    public Uni<PurchaseResponse> purchaseCredits(String tenant, String userId, String key, PurchaseRequest request) {
        if (key == null || !RequestHash.KEY.matcher(key).matches()) {
            throw ApiException.validation("The Idempotency-Key header is required (1-200 of A-Z a-z 0-9 . _ : @ / -)");
        }
        String pm = request.paymentDetails() == null ? null : request.paymentDetails().stripePaymentMethodId();
        String email = request.paymentDetails() == null ? null : request.paymentDetails().invoiceEmail();
        String source = request.metadata() == null || request.metadata().source() == null ? "dashboard"
                : request.metadata().source();
        if (request.paymentMethod().equals("stripe") && pm == null) {
            throw ApiException.validation("paymentDetails.stripePaymentMethodId is required for paymentMethod stripe");
        }
        String hash = RequestHash.of("purchase", request.packageId(), request.paymentMethod(), pm, email, source);
        return Panache.withSession(() -> Purchase.<Purchase>find("tenantId = ?1 and idempotencyKey = ?2", tenant, key)
                        .firstResult())
                .chain(existing -> existing != null ? replay(existing, hash, key)
                        : newPurchase(tenant, userId, key, hash, request, pm, email, source));
    }

    private Uni<PurchaseResponse> newPurchase(String tenant, String userId, String key, String hash, PurchaseRequest r,
                                              String pm, String email, String source) {
        return Panache.withSession(() -> CreditPackage.<CreditPackage>findById(r.packageId())).chain(pkg -> {
            if (pkg == null || !pkg.offeredAt(clock.instant())) {
                throw ApiException.validation("packageId '" + r.packageId() + "' is not a package on sale",
                        java.util.Map.of("violations", java.util.List.of(java.util.Map.of("field", "packageId",
                                "message", "is not a package on sale"))));
            }
            return customers.find(tenant).chain(customer -> {
                if (r.paymentMethod().equals("stored_card") && (customer == null || customer.defaultPaymentMethodId == null)) {
                    throw new ApiException(409, "NO_SAVED_CARD", "保存済みのカードがありません",
                            "paymentMethod stored_card needs a saved card: save one with POST /api/v1/billing/payment-method");
                }
                if (r.paymentMethod().equals("invoice") && email == null && (customer == null || customer.email == null)) {
                    throw ApiException.validation("paymentDetails.invoiceEmail is required: no billing e-mail is known yet");
                }
                return customers.ensureCustomer(tenant, email);
            }).chain(customer -> insert(tenant, userId, key, hash, pkg, r.paymentMethod(), source, pm)
                    .chain(purchase -> purchase.requestHash.equals(hash) && purchase.status == PurchaseStatus.PENDING
                            ? pay(purchase, customer, key) : replay(purchase, hash, key)));
        });
    }

    private Uni<Purchase> insert(String tenant, String userId, String key, String hash, CreditPackage pkg, String method,
                                 String source, String pm) {
        Purchase p = newPurchase(tenant, pkg, method, source);
        p.idempotencyKey = key;
        p.requestHash = hash;
        p.userId = userId;
        p.paymentMethodId = pm;
        return Panache.withTransaction(p::persist).replaceWith(p)
                // Two first requests with one key at once: the loser answers the winner's purchase.
                .onFailure(Constraints::isUniqueViolation).recoverWithUni(() -> Panache.withSession(() ->
                        Purchase.<Purchase>find("tenantId = ?1 and idempotencyKey = ?2", tenant, key).firstResult()));
    }

    /** A new PENDING purchase of {@code pkg}, priced with consumption tax. */
    public Purchase newPurchase(String tenant, CreditPackage pkg, String method, String source) {
        return newPurchase(tenant, pkg, 1, method, source);
    }

    /**
     * A new PENDING purchase of {@code quantity} × {@code pkg} paid with one charge: credits and price are
     * {@code quantity} times the package's, the consumption tax is reckoned on the total price (rounded down once).
     */
    public Purchase newPurchase(String tenant, CreditPackage pkg, int quantity, String method, String source) {
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1: " + quantity);
        }
        Instant now = clock.instant();
        Purchase p = new Purchase();
        p.id = UUID.randomUUID();
        p.tenantId = tenant;
        p.packageId = pkg.id;
        p.credits = Math.multiplyExact(pkg.credits, (long) quantity);
        p.priceYen = Math.multiplyExact(pkg.priceYen, (long) quantity);
        p.taxYen = tax.taxOn(p.priceYen);
        p.amountYen = p.priceYen + p.taxYen;
        p.method = method;
        p.source = source;
        p.status = PurchaseStatus.PENDING;
        p.createdAt = now;
        p.updatedAt = now;
        return p;
    }

    private Uni<PurchaseResponse> replay(Purchase existing, String hash, String key) {
        if (!existing.requestHash.equals(hash)) {
            return Uni.createFrom().failure(ApiException.idempotencyConflict(key));
        }
        if (existing.status != PurchaseStatus.PENDING) {
            return Uni.createFrom().item(response(existing));
        }
        // The first attempt's outcome is unknown (Stripe unreachable, or a crash): ask Stripe again with the same keys.
        return customers.find(existing.tenantId).chain(customer -> pay(existing, customer, key));
    }

    private Uni<PurchaseResponse> pay(Purchase p, StripeCustomer customer, String key) {
        Uni<Purchase> outcome = switch (p.method) {
            case "stripe" -> cards.charge(p, customer.customerId, p.paymentMethodId, false, "purchase-" + p.id);
            case "stored_card" -> cards.charge(p, customer.customerId, customer.defaultPaymentMethodId, true, "purchase-" + p.id);
            default -> invoices.issue(p, customer.customerId);
        };
        return outcome.map(PurchaseService::response);
    }

    static PurchaseResponse response(Purchase p) {
        return new PurchaseResponse(
                new PurchasePart(p.id.toString(), p.packageId, p.credits, p.amountYen, p.priceYen, p.taxYen, null),
                new PaymentPart(p.status.paymentStatus(), p.paymentIntentId, p.clientSecret, errorMessage(p),
                        p.status == PurchaseStatus.FAILED ? p.failureCode : null, p.invoiceId, p.hostedInvoiceUrl,
                        p.invoiceDueAt),
                null);
    }

    /** The response with the package's discount against its list price (the smallest package's yen per credit). */
    static PurchaseResponse withDiscount(PurchaseResponse r, CreditPackage pkg) {
        if (pkg == null || pkg.discountRate == null || pkg.discountRate.signum() == 0) {
            return r;
        }
        long list = BigDecimal.valueOf(pkg.priceYen).divide(BigDecimal.ONE.subtract(pkg.discountRate), 0, RoundingMode.HALF_UP)
                .longValue();
        PurchasePart p = r.purchase();
        return new PurchaseResponse(new PurchasePart(p.transactionId(), p.packageId(), p.creditsAdded(), p.totalCost(),
                p.priceYen(), p.taxYen(), new Discount(pkg.bulk ? "bulk" : pkg.promotional ? "promotional" : "package",
                list - pkg.priceYen, pkg.discountRate.movePointRight(2).intValue())), r.payment(), r.account());
    }

    private static String errorMessage(Purchase p) {
        if (p.status != PurchaseStatus.FAILED) {
            return null;
        }
        return switch (p.failureCode == null ? "" : p.failureCode) {
            case "card_declined" -> "カードが拒否されました。別のカードをお試しください。";
            case "authentication_required" -> "カード会社による本人認証が必要です。もう一度お試しください。";
            case "expired_card" -> "カードの有効期限が切れています。";
            case "insufficient_funds" -> "カードの利用可能額が不足しています。";
            default -> "決済に失敗しました。";
        };
    }
}
