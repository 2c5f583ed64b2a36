package io.hotelcrm.billing.purchase;

import com.stripe.exception.CardException;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.param.PaymentIntentCreateParams;
import io.hotelcrm.billing.stripe.StripeCalls;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Charges a purchase to a card with a confirmed PaymentIntent (on-session with the browser's card, or
 * off-session with the saved one) and records what Stripe answered. Yen is zero-decimal: the amount is
 * the yen figure itself.
 */
@ApplicationScoped
public class CardCharges {

    private final StripeCalls stripe;
    private final PaymentOutcomes outcomes;

    public CardCharges(StripeCalls stripe, PaymentOutcomes outcomes) {
        this.stripe = stripe;
        this.outcomes = outcomes;
    }

    /**
     * @param idempotencyKey the same key for every attempt at this purchase, so Stripe charges at most once
     * @return the purchase after the outcome was recorded; fails with 503 when the outcome is unknown
     */
    public Uni<Purchase> charge(Purchase p, String customerId, String paymentMethodId, boolean offSession,
                                String idempotencyKey) {
        PaymentIntentCreateParams.Builder params = PaymentIntentCreateParams.builder()
                .setAmount(p.amountYen)
                .setCurrency("jpy")
                .setCustomer(customerId)
                .setPaymentMethod(paymentMethodId)
                .addPaymentMethodType("card")
                .setConfirm(true)
                .setDescription("AIクレジット " + p.credits + " (" + p.packageId + ")")
                .putMetadata("purchase_id", p.id.toString())
                .putMetadata("tenant_id", p.tenantId)
                .putMetadata("package_id", p.packageId)
                .putMetadata("credits", String.valueOf(p.credits))
                .putMetadata("source", p.source)
                .putMetadata("method", p.method);
        if (p.autoPurchaseRequestId != null) {
            params.putMetadata("auto_purchase_request_id", p.autoPurchaseRequestId);
        }
        if (offSession) {
            params.setOffSession(true);
        }
        return stripe.call("payment_intents.create", idempotencyKey, (s, o) -> s.paymentIntents().create(params.build(), o))
                .chain(pi -> Panache.withTransaction(() -> record(p, pi)))
                .onFailure(StripeException.class).recoverWithUni(e -> {
                    StripeException se = (StripeException) e;
                    if (!StripeCalls.isDefinitive(se)) {
                        return Uni.createFrom().failure(StripeCalls.unavailable(
                                "The payment's outcome is not known yet; retry with the same Idempotency-Key"));
                    }
                    PaymentIntent failedPi = se.getStripeError() != null ? se.getStripeError().getPaymentIntent() : null;
                    String piId = failedPi != null ? failedPi.getId() : null;
                    String secret = failedPi != null ? failedPi.getClientSecret() : null;
                    String code = se instanceof CardException ce && ce.getCode() != null ? ce.getCode()
                            : se.getCode() != null ? se.getCode() : "payment_rejected";
                    String message = se.getStripeError() != null ? se.getStripeError().getMessage() : se.getMessage();
                    // An auto-purchase's authentication_required waits for an admin instead (PaymentOutcomes).
                    return Panache.withTransaction(() -> outcomes.failed(p.id, piId, secret, code, message));
                });
    }

    private Uni<Purchase> record(Purchase p, PaymentIntent pi) {
        return switch (pi.getStatus()) {
            case "succeeded" -> outcomes.succeeded(p.id, pi.getId(), null, pi.getLatestCharge(), pi.getAmountReceived());
            case "requires_action" -> outcomes.requiresAction(p.id, pi.getId(), pi.getClientSecret());
            case "requires_payment_method", "canceled" -> outcomes.failed(p.id, pi.getId(),
                    pi.getLastPaymentError() != null ? pi.getLastPaymentError().getCode() : pi.getStatus(),
                    pi.getLastPaymentError() != null ? pi.getLastPaymentError().getMessage() : null);
            default -> outcomes.submitted(p.id, pi.getId());
        };
    }
}
