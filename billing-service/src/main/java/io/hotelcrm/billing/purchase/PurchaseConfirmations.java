package io.hotelcrm.billing.purchase;

import com.stripe.exception.CardException;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.param.PaymentIntentConfirmParams;
import io.hotelcrm.billing.purchase.PurchaseViews.PurchaseResponse;
import io.hotelcrm.billing.stripe.StripeCalls;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * An admin confirms, on-session, a purchase that waits for 3-D Secure (an auto-purchase whose off-session charge the
 * bank refused with authentication_required, PaymentActionRequired): the PaymentIntent is confirmed with the
 * purchase's card and the answer is the purchase as POST /api/v1/credits/purchase answers it — requires_action with
 * the client secret for the browser's 3-D Secure, or completed / failed. Credits still come only with
 * payment_intent.succeeded (or Stripe's own word read here), through {@link PaymentOutcomes}, so never twice.
 *
 * <p>Stripe's PaymentIntent is read first: one already waiting for the browser (an earlier confirmation the admin did
 * not finish) is answered with its client secret and not confirmed again; one already paid is recorded as paid. Only
 * a PaymentIntent that needs a payment method is confirmed, each time under a key of its own,
 * {@code confirm-<purchaseId>-<n>} (n counted on the purchase), so a key is never reused with other parameters.
 */
@ApplicationScoped
public class PurchaseConfirmations {

    private static final Logger LOG = Logger.getLogger(PurchaseConfirmations.class);

    /** Seconds a client waits before asking again when Stripe's answer is not known. */
    static final String RETRY_AFTER = "5";

    private final StripeCalls stripe;
    private final PaymentOutcomes outcomes;

    public PurchaseConfirmations(StripeCalls stripe, PaymentOutcomes outcomes) {
        this.stripe = stripe;
        this.outcomes = outcomes;
    }

    public Uni<PurchaseResponse> confirm(String tenant, UUID purchaseId) {
        return Panache.withSession(() -> Purchase.<Purchase>findById(purchaseId)).chain(p -> {
            if (p == null || !p.tenantId.equals(tenant)) {
                return Uni.createFrom().<PurchaseResponse>failure(ApiException.notFound("Purchase " + purchaseId));
            }
            if (p.status == PurchaseStatus.SUCCEEDED) {
                return Uni.createFrom().item(PurchaseService.response(p)); // paid: nothing to do
            }
            if (p.status != PurchaseStatus.REQUIRES_ACTION || p.paymentIntentId == null) {
                return Uni.createFrom().<PurchaseResponse>failure(notAwaitingAction(p));
            }
            return retrieve(p).chain(pi -> answer(p, pi, true));
        }).onFailure(ApiException.class).transform(PurchaseConfirmations::withRetryAfter);
    }

    /** What to do with the PaymentIntent as Stripe has it now. */
    private Uni<PurchaseResponse> answer(Purchase p, PaymentIntent pi, boolean mayConfirm) {
        return switch (pi.getStatus()) {
            case "succeeded" -> Panache.<Purchase>withTransaction(() -> outcomes.succeeded(p.id, pi.getId(), null, pi.getLatestCharge(),
                    pi.getAmountReceived())).map(PurchaseService::response);
            case "requires_action" -> Panache.<Purchase>withTransaction(() -> Purchase.lock(p.id).invoke(locked -> {
                if (locked.status == PurchaseStatus.REQUIRES_ACTION && pi.getClientSecret() != null) {
                    locked.clientSecret = pi.getClientSecret();
                }
            })).map(PurchaseService::response);
            case "requires_payment_method", "requires_confirmation" -> mayConfirm ? confirmNow(p.id)
                    : Uni.createFrom().failure(notAwaitingAction(p));
            case "canceled" -> Panache.<Purchase>withTransaction(() -> outcomes.failed(p.id, pi.getId(), "canceled",
                    "The PaymentIntent was canceled")).map(PurchaseService::response);
            default -> Uni.createFrom().failure(ApiException.conflict("PURCHASE_NOT_AWAITING_ACTION",
                    "The payment is " + pi.getStatus() + " at Stripe; its outcome arrives by webhook").with("paymentStatus",
                    p.status.paymentStatus()));
        };
    }

    /** Counts the confirmation (under the row lock) and confirms the PaymentIntent on-session with the purchase's card. */
    private Uni<PurchaseResponse> confirmNow(UUID purchaseId) {
        return Panache.withTransaction(() -> Purchase.lock(purchaseId).invoke(locked -> {
            if (locked.status == PurchaseStatus.REQUIRES_ACTION) {
                locked.confirmAttempts++;
            }
        })).chain(p -> {
            if (p.status != PurchaseStatus.REQUIRES_ACTION) {
                // Settled meanwhile (a webhook): its state is the answer
                return p.status == PurchaseStatus.SUCCEEDED || p.status == PurchaseStatus.FAILED
                        ? Uni.createFrom().item(PurchaseService.response(p))
                        : Uni.createFrom().failure(notAwaitingAction(p));
            }
            PaymentIntentConfirmParams.Builder params = PaymentIntentConfirmParams.builder().setUseStripeSdk(true);
            if (p.paymentMethodId != null) {
                params.setPaymentMethod(p.paymentMethodId);
            }
            String key = "confirm-" + p.id + "-" + p.confirmAttempts;
            LOG.infof("purchase %s of %s: an admin confirms %s on-session (%s)", p.id, p.tenantId, p.paymentIntentId, key);
            return stripe.call("payment_intents.confirm", key,
                            (s, o) -> s.paymentIntents().confirm(p.paymentIntentId, params.build(), o))
                    .chain(pi -> switch (pi.getStatus()) {
                        case "requires_payment_method", "requires_confirmation" -> Panache.<Purchase>withTransaction(() ->
                                outcomes.failed(p.id, pi.getId(), pi.getLastPaymentError() != null
                                                ? pi.getLastPaymentError().getCode() : pi.getStatus(),
                                        pi.getLastPaymentError() != null ? pi.getLastPaymentError().getMessage() : null))
                                .map(PurchaseService::response);
                        default -> answer(p, pi, false);
                    })
                    .onFailure(StripeException.class).recoverWithUni(e -> rejected(p, (StripeException) e));
        });
    }

    /** Stripe refused the confirmation: a card error fails the purchase; a PaymentIntent in another state is re-read. */
    private Uni<PurchaseResponse> rejected(Purchase p, StripeException se) {
        if (!StripeCalls.isDefinitive(se)) {
            return Uni.createFrom().failure(StripeCalls.unavailable(
                    "The confirmation's outcome is not known yet; open the purchase again to see where it stands"));
        }
        if (se instanceof CardException ce) {
            PaymentIntent failedPi = ce.getStripeError() != null ? ce.getStripeError().getPaymentIntent() : null;
            String code = ce.getCode() != null ? ce.getCode() : "payment_rejected";
            String message = ce.getStripeError() != null ? ce.getStripeError().getMessage() : ce.getMessage();
            return Panache.<Purchase>withTransaction(() -> outcomes.failed(p.id, failedPi != null ? failedPi.getId() : null,
                            failedPi != null ? failedPi.getClientSecret() : null, code, message))
                    .map(PurchaseService::response);
        }
        // e.g. payment_intent_unexpected_state: another confirmation got there first; answer what Stripe has now
        return retrieve(p).chain(pi -> answer(p, pi, false));
    }

    /** The purchase's PaymentIntent as Stripe has it now. */
    private Uni<PaymentIntent> retrieve(Purchase p) {
        return stripe.call("payment_intents.retrieve", null, (s, o) -> s.paymentIntents().retrieve(p.paymentIntentId, o))
                .onFailure(StripeException.class).transform(e -> StripeCalls.isDefinitive((StripeException) e)
                        ? ApiException.conflict("PAYMENT_NOT_CONFIRMABLE", "Stripe does not let this payment be confirmed: "
                                + e.getMessage())
                        : StripeCalls.unavailable("Stripe could not be asked where the payment stands; ask again"));
    }

    private static ApiException notAwaitingAction(Purchase p) {
        return new ApiException(409, "PURCHASE_NOT_AWAITING_ACTION", "この購入は本人認証を待っていません",
                "Purchase " + p.id + " is " + p.status + "; only a purchase waiting for 3-D Secure (REQUIRES_ACTION) is confirmed")
                .with("paymentStatus", p.status.paymentStatus());
    }

    private static Throwable withRetryAfter(Throwable e) {
        ApiException api = (ApiException) e;
        return api.status() == 503 ? api.withHeader("Retry-After", RETRY_AFTER) : api;
    }
}
