package io.hotelcrm.billing.refund;

import com.stripe.exception.StripeException;
import com.stripe.model.Refund;
import com.stripe.param.RefundCreateParams;
import io.hotelcrm.billing.purchase.Purchase;
import io.hotelcrm.billing.purchase.PurchaseStatus;
import io.hotelcrm.billing.refund.RefundViews.RefundBody;
import io.hotelcrm.billing.refund.RefundViews.RefundView;
import io.hotelcrm.billing.stripe.StripeCalls;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.platform.persistence.Constraints;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Refunds an admin asks for. The request is recorded (requested) before Stripe is called, then Stripe's refund is
 * created with an idempotency key of its own ({@code refund-<request id>}), so a retry of the same request never
 * refunds twice and two requests never share a Stripe answer. This only asks Stripe: the credits come back out
 * when Stripe reports the refund with charge.refunded, the same path as a refund made in the Stripe dashboard, so
 * nothing is taken back twice.
 */
@ApplicationScoped
public class AdminRefunds {

    private final StripeCalls stripe;
    private final Clock clock;

    public AdminRefunds(StripeCalls stripe, Clock clock) {
        this.stripe = stripe;
        this.clock = clock;
    }

    public Uni<RefundView> refund(String tenant, String userId, UUID purchaseId, String key, RefundBody body) {
        if (key == null || !RequestHash.KEY.matcher(key).matches()) {
            throw ApiException.validation("The Idempotency-Key header is required (1-200 of A-Z a-z 0-9 . _ : @ / -)");
        }
        Long credits = body == null ? null : body.credits();
        Long amountYen = body == null ? null : body.amountYen();
        if (credits != null && amountYen != null) {
            throw ApiException.validation("Give credits or amountYen, not both");
        }
        String hash = RequestHash.of("refund", purchaseId, credits, amountYen);
        return Panache.withSession(() -> RefundRequest.byKey(tenant, key))
                .chain(existing -> existing != null ? replay(existing, hash, key)
                        : leftOnCharge(tenant, purchaseId)
                                .chain(left -> record(tenant, userId, purchaseId, key, hash, credits, amountYen, left))
                                .chain(r -> r.requestHash.equals(hash) && RefundRequest.REQUESTED.equals(r.status)
                                        ? askStripe(r) : replay(r, hash, key)));
    }

    private Uni<RefundView> replay(RefundRequest r, String hash, String key) {
        if (!r.requestHash.equals(hash)) {
            return Uni.createFrom().failure(ApiException.idempotencyConflict(key));
        }
        if (RefundRequest.REJECTED.equals(r.status)) {
            return Uni.createFrom().failure(rejected(r.failureCode, r.failureMessage));
        }
        // Stripe's answer to the first attempt is unknown: ask again with the same Stripe key.
        return RefundRequest.REQUESTED.equals(r.status) ? askStripe(r) : Uni.createFrom().item(RefundView.of(r));
    }

    /**
     * What Stripe still has to refund on the purchase's charge. Stripe knows every refund the moment it is made,
     * our purchase only once charge.refunded arrives, so a full refund right after a partial one is sized by this.
     * Unknown purchases and unpaid ones are answered by {@link #record} without asking Stripe.
     */
    private Uni<Long> leftOnCharge(String tenant, UUID purchaseId) {
        return Panache.withSession(() -> Purchase.<Purchase>findById(purchaseId)).chain(p -> {
            if (refusal(p, tenant, purchaseId) != null) {
                return Uni.createFrom().item(Long.MAX_VALUE);
            }
            Uni<String> chargeId = p.chargeId != null ? Uni.createFrom().item(p.chargeId)
                    : stripe.call("payment_intents.retrieve", null, (s, o) -> s.paymentIntents().retrieve(p.paymentIntentId,
                            (com.stripe.param.PaymentIntentRetrieveParams) null, o)).map(pi -> pi.getLatestCharge());
            return chargeId.chain(id -> id == null ? Uni.createFrom().item(0L)
                    : stripe.call("charges.retrieve", null, (s, o) -> s.charges().retrieve(id,
                                    (com.stripe.param.ChargeRetrieveParams) null, o))
                            .map(ch -> ch.getAmount() - (ch.getAmountRefunded() == null ? 0 : ch.getAmountRefunded())));
        }).onFailure(StripeException.class).transform(e -> StripeCalls.unavailable(
                "What remains refundable could not be read from Stripe; retry with the same Idempotency-Key"));
    }

    /** Why {@code p} cannot be refunded, or null. */
    private static ApiException refusal(Purchase p, String tenant, UUID purchaseId) {
        if (p == null || !p.tenantId.equals(tenant)) {
            return ApiException.notFound("Purchase " + purchaseId);
        }
        if (p.status != PurchaseStatus.SUCCEEDED) {
            return ApiException.conflict("PURCHASE_NOT_PAID",
                    "Purchase " + purchaseId + " is " + p.status.paymentStatus() + ": only a paid purchase can be refunded");
        }
        if (p.paymentIntentId == null && p.chargeId == null) {
            return ApiException.conflict("PAYMENT_NOT_REFUNDABLE",
                    "Stripe has not named the payment of purchase " + purchaseId + " yet; refund it in the Stripe dashboard");
        }
        return null;
    }

    /** Checks the purchase under its lock and records the request, or answers why it cannot be refunded. */
    private Uni<RefundRequest> record(String tenant, String userId, UUID purchaseId, String key, String hash, Long credits,
                                      Long amountYen, long leftOnCharge) {
        return Panache.withTransaction(() -> Purchase.lock(purchaseId).chain(p -> {
            ApiException refusal = refusal(p, tenant, purchaseId);
            if (refusal != null) {
                return Uni.createFrom().failure(refusal);
            }
            return RefundRequest.inFlightYen(p.id).chain(inFlight -> {
                long refundable = Math.min(p.amountYen - p.refundedYen, leftOnCharge) - inFlight;
                long yen = amountYen != null ? amountYen
                        : credits != null ? ceilDiv(credits * p.amountYen, p.credits) : refundable;
                if (refundable <= 0 || yen > refundable) {
                    return Uni.createFrom().failure(ApiException.conflict("REFUND_EXCEEDS_REFUNDABLE",
                                    "¥" + yen + " is more than the ¥" + Math.max(refundable, 0) + " still refundable on purchase "
                                            + purchaseId)
                            .with("refundableYen", Math.max(refundable, 0)));
                }
                Instant now = clock.instant();
                RefundRequest r = new RefundRequest();
                r.id = UUID.randomUUID();
                r.tenantId = tenant;
                r.purchaseId = p.id;
                r.idempotencyKey = key;
                r.requestHash = hash;
                r.amountYen = yen;
                r.credits = credits != null ? credits : p.credits * yen / p.amountYen;
                r.status = RefundRequest.REQUESTED;
                r.userId = userId;
                r.createdAt = now;
                r.updatedAt = now;
                return r.persist().replaceWith(r);
            });
        }))
                // Two first requests with one key at once: the loser answers the winner's request.
                .onFailure(Constraints::isUniqueViolation).recoverWithUni(() -> Panache.withSession(() ->
                        RefundRequest.byKey(tenant, key)));
    }

    private Uni<RefundView> askStripe(RefundRequest r) {
        return Panache.withSession(() -> Purchase.<Purchase>findById(r.purchaseId)).chain(p -> {
            RefundCreateParams.Builder params = RefundCreateParams.builder()
                    .setAmount(r.amountYen)
                    .setReason(RefundCreateParams.Reason.REQUESTED_BY_CUSTOMER)
                    .putMetadata("refund_request_id", r.id.toString())
                    .putMetadata("purchase_id", p.id.toString())
                    .putMetadata("tenant_id", p.tenantId);
            if (p.paymentIntentId != null) {
                params.setPaymentIntent(p.paymentIntentId);
            } else {
                params.setCharge(p.chargeId);
            }
            return stripe.call("refunds.create", r.stripeIdempotencyKey(), (s, o) -> s.refunds().create(params.build(), o));
        }).chain(refund -> Panache.withTransaction(() -> RefundRequest.<RefundRequest>findById(r.id).invoke(row -> {
            row.stripeRefundId = refund.getId();
            if (advances(row.status, refund.getStatus())) { // a refund.updated webhook may have been faster
                row.status = refund.getStatus();
                row.failureCode = refund.getFailureReason();
            }
            row.updatedAt = clock.instant();
        })).map(RefundView::of)).onFailure(StripeException.class).recoverWithUni(e -> {
            StripeException se = (StripeException) e;
            if (!StripeCalls.isDefinitive(se)) {
                return Uni.createFrom().failure(StripeCalls.unavailable(
                        "The refund's outcome is not known yet; retry with the same Idempotency-Key"));
            }
            String code = se.getCode() != null ? se.getCode() : "refund_rejected";
            String message = se.getStripeError() != null ? se.getStripeError().getMessage() : se.getMessage();
            return Panache.withTransaction(() -> RefundRequest.<RefundRequest>findById(r.id).invoke(row -> {
                row.status = RefundRequest.REJECTED;
                row.failureCode = code;
                row.failureMessage = message == null || message.length() <= 500 ? message : message.substring(0, 500);
                row.updatedAt = clock.instant();
            })).chain(() -> Uni.createFrom().failure(rejected(code, message)));
        });
    }

    /** Stripe refused: the charge has less left to refund than we knew of (e.g. a dashboard refund), or another reason. */
    private static ApiException rejected(String stripeCode, String message) {
        boolean tooMuch = "amount_too_large".equals(stripeCode) || "charge_already_refunded".equals(stripeCode);
        return ApiException.conflict(tooMuch ? "REFUND_EXCEEDS_REFUNDABLE" : "REFUND_REJECTED",
                "Stripe refused the refund: " + message).with("stripeCode", stripeCode);
    }

    /**
     * A refund's state from Stripe (refund.created, refund.updated, refund.failed), inside the webhook's
     * transaction. Only the request's status changes here; credits move with charge.refunded.
     */
    public Uni<Boolean> onStripeRefund(Refund refund) {
        String requestId = refund.getMetadata() == null ? null : refund.getMetadata().get("refund_request_id");
        UUID id = null;
        try {
            id = requestId == null ? null : UUID.fromString(requestId);
        } catch (IllegalArgumentException e) {
            // not ours
        }
        Uni<RefundRequest> found = id == null ? RefundRequest.byStripeRefund(refund.getId()) : RefundRequest.findById(id);
        return found.map(r -> {
            if (r == null) {
                return false;
            }
            if (!advances(r.status, refund.getStatus())) {
                return true; // an older state delivered late
            }
            r.stripeRefundId = refund.getId();
            r.status = refund.getStatus();
            r.failureCode = refund.getFailureReason();
            r.updatedAt = clock.instant();
            return true;
        });
    }

    /** Stripe's refund states only move forward: pending/requires_action → succeeded → failed; failed and canceled are final. */
    private static boolean advances(String from, String to) {
        if (from == null || RefundRequest.REQUESTED.equals(from)) {
            return true;
        }
        if ("failed".equals(from) || "canceled".equals(from)) {
            return false;
        }
        return !"succeeded".equals(from) || "failed".equals(to) || "canceled".equals(to);
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }
}
