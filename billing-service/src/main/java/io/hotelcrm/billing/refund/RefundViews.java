package io.hotelcrm.billing.refund;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Positive;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response of the admin refund API. */
public final class RefundViews {

    private RefundViews() {
    }

    @Schema(name = "RefundRequest", description = "Empty (or no body): refund all that remains refundable. Give credits "
            + "or amountYen, not both, for a partial refund.")
    public record RefundBody(
            @Positive @Schema(description = "Credits to take back; refunded at the purchase's price per credit, rounded "
                    + "up to whole yen") Long credits,
            @Positive @Schema(description = "Yen to refund, consumption tax included") Long amountYen) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "Refund")
    public record RefundView(
            @Schema(description = "This refund request's id") String refundId,
            String purchaseId,
            @Schema(enumeration = {"requested", "pending", "requires_action", "succeeded", "failed", "canceled"},
                    description = "Stripe's refund status; the credits are taken back when Stripe reports the refund "
                            + "(charge.refunded), whoever made it") String status,
            long amountYen,
            @Schema(description = "Credits this refund takes back") long credits,
            String stripeRefundId,
            String failureCode,
            Instant createdAt,
            Instant updatedAt) {

        static RefundView of(RefundRequest r) {
            return new RefundView(r.id.toString(), r.purchaseId.toString(), r.status, r.amountYen, r.credits,
                    r.stripeRefundId, r.failureCode, r.createdAt, r.updatedAt);
        }
    }
}
