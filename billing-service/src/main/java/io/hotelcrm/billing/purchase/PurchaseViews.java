package io.hotelcrm.billing.purchase;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response shapes of the purchase API (the guide's PurchaseCreditRequest/Response). */
public final class PurchaseViews {

    private PurchaseViews() {
    }

    @Schema(name = "PurchaseCreditRequest")
    public record PurchaseRequest(
            @NotNull @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String packageId,
            @NotNull @Pattern(regexp = "stripe|invoice|stored_card", message = "must be stripe, invoice or stored_card")
            @Schema(description = "stripe: a card from Stripe Elements; stored_card: the saved card, off-session; "
                    + "invoice: a Stripe invoice due at month end") String paymentMethod,
            @Valid PaymentDetails paymentDetails,
            @Valid Metadata metadata) {
    }

    public record PaymentDetails(
            @Pattern(regexp = "pm_[A-Za-z0-9_]{1,100}", message = "must be a Stripe PaymentMethod id (pm_…)")
            String stripePaymentMethodId,
            @Schema(description = "Not used: billing creates and confirms the PaymentIntent itself")
            @Pattern(regexp = "pi_[A-Za-z0-9_]{1,100}") String stripePaymentIntentId,
            @Email @Size(max = 254) String invoiceEmail) {
    }

    public record Metadata(
            @Pattern(regexp = "dashboard|low_balance_prompt",
                    message = "must be dashboard or low_balance_prompt (auto_purchase is billing's own)") String source,
            @Size(max = 300) String userAgent) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "PurchaseCreditResponse")
    public record PurchaseResponse(PurchasePart purchase, PaymentPart payment,
                                   @Schema(description = "Balances live in credit-service: read GET /api/v1/credits/balance "
                                           + "once paymentStatus is completed (credits arrive within seconds)")
                                   Object account) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PurchasePart(
            @Schema(description = "The purchase id") String transactionId,
            String packageId,
            @Schema(description = "Credits granted once Stripe reports the payment") long creditsAdded,
            @Schema(description = "Yen charged, 10% consumption tax included") long totalCost,
            @Schema(description = "Yen before tax") long priceYen,
            @Schema(description = "Consumption tax in yen") long taxYen,
            Discount discount) {
    }

    public record Discount(String type, long amount, int percentage) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PaymentPart(
            @Schema(enumeration = {"completed", "pending", "failed", "requires_action"}) String paymentStatus,
            String paymentIntentId,
            @Schema(description = "For stripe.confirmCardPayment when paymentStatus is requires_action") String clientSecret,
            String errorMessage,
            String errorCode,
            String invoiceId,
            String hostedInvoiceUrl,
            Instant invoiceDueAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "PurchaseRecord")
    public record PurchaseSummary(String transactionId, String packageId, long credits, long priceYen, long taxYen,
                                  long amountYen, String paymentMethod, String source, String paymentStatus,
                                  String paymentIntentId, String invoiceId, String hostedInvoiceUrl, String failureCode,
                                  long refundedYen, long refundedCredits, Instant createdAt, Instant paidAt) {
        static PurchaseSummary of(Purchase p) {
            return new PurchaseSummary(p.id.toString(), p.packageId, p.credits, p.priceYen, p.taxYen, p.amountYen,
                    p.method, p.source, p.status.paymentStatus(), p.paymentIntentId, p.invoiceId, p.hostedInvoiceUrl,
                    p.failureCode, p.refundedYen, p.refundedCredits, p.createdAt, p.paidAt);
        }
    }

    public record PurchasePage(List<PurchaseSummary> items, String nextCursor) {
    }
}
