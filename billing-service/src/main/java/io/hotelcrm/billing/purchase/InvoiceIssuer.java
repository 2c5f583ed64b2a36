package io.hotelcrm.billing.purchase;

import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import com.stripe.param.InvoiceCreateParams;
import com.stripe.param.InvoiceFinalizeInvoiceParams;
import com.stripe.param.InvoiceItemCreateParams;
import com.stripe.param.InvoiceSendInvoiceParams;
import io.hotelcrm.billing.BillingConfig;
import io.hotelcrm.billing.stripe.StripeCalls;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import org.jboss.logging.Logger;

/**
 * Invoice payment for businesses: a Stripe invoice with the package as its line and 10 % consumption tax,
 * sent to the billing e-mail, due at the end of the month (月末締め). The credits come with invoice.paid.
 */
@ApplicationScoped
public class InvoiceIssuer {

    private static final Logger LOG = Logger.getLogger(InvoiceIssuer.class);

    private final StripeCalls stripe;
    private final TaxRates taxRates;
    private final PaymentOutcomes outcomes;
    private final ZoneId zone;
    private final Clock clock;

    public InvoiceIssuer(StripeCalls stripe, TaxRates taxRates, PaymentOutcomes outcomes, BillingConfig config, Clock clock) {
        this.stripe = stripe;
        this.taxRates = taxRates;
        this.outcomes = outcomes;
        this.zone = ZoneId.of(config.timeZone());
        this.clock = clock;
    }

    /** The last second of the current month in the billing time zone. */
    public Instant monthEnd() {
        YearMonth month = YearMonth.from(clock.instant().atZone(zone));
        return month.atEndOfMonth().atTime(LocalTime.of(23, 59, 59)).atZone(zone).toInstant();
    }

    /** Each step has its own idempotency key, so a retry after a failure half-way continues, not repeats. */
    public Uni<Purchase> issue(Purchase p, String customerId) {
        String key = "purchase-" + p.id + "-invoice";
        Instant due = monthEnd();
        return taxRates.consumptionTax()
                .chain(tax -> stripe.call("invoices.create", key, (s, o) -> s.invoices().create(InvoiceCreateParams.builder()
                        .setCustomer(customerId)
                        .setCollectionMethod(InvoiceCreateParams.CollectionMethod.SEND_INVOICE)
                        .setDueDate(due.getEpochSecond())
                        .setAutoAdvance(false)
                        .setPendingInvoiceItemsBehavior(InvoiceCreateParams.PendingInvoiceItemsBehavior.EXCLUDE)
                        .addDefaultTaxRate(tax)
                        .setDescription("AIクレジット購入 (" + p.credits + " クレジット)")
                        .putMetadata("purchase_id", p.id.toString())
                        .putMetadata("tenant_id", p.tenantId)
                        .putMetadata("package_id", p.packageId)
                        .build(), o)))
                .call(invoice -> stripe.call("invoiceitems.create", key + "-item", (s, o) -> s.invoiceItems().create(
                        InvoiceItemCreateParams.builder().setCustomer(customerId).setInvoice(invoice.getId())
                                .setAmount(p.priceYen).setCurrency("jpy")
                                .setDescription("AIクレジット " + p.credits + " クレジット (" + p.packageId + ")")
                                .putMetadata("purchase_id", p.id.toString()).build(), o)))
                .chain(invoice -> stripe.call("invoices.finalize", key + "-finalize", (s, o) -> s.invoices()
                        .finalizeInvoice(invoice.getId(), InvoiceFinalizeInvoiceParams.builder().setAutoAdvance(false).build(), o)))
                .call(invoice -> stripe.call("invoices.send", key + "-send", (s, o) -> s.invoices()
                        .sendInvoice(invoice.getId(), InvoiceSendInvoiceParams.builder().build(), o)))
                .chain(invoice -> {
                    check(p, invoice);
                    return Panache.withTransaction(() -> outcomes.awaitingPayment(p.id, invoice.getId(),
                            invoice.getHostedInvoiceUrl(), Instant.ofEpochSecond(invoice.getDueDate())));
                })
                .onFailure(StripeException.class).recoverWithUni(e -> StripeCalls.isDefinitive((StripeException) e)
                        ? Panache.withTransaction(() -> outcomes.failed(p.id, null, "invoice_rejected",
                                ((StripeException) e).getStripeError() != null
                                        ? ((StripeException) e).getStripeError().getMessage() : e.getMessage()))
                        : Uni.createFrom().failure(StripeCalls.unavailable(
                                "The invoice could not be issued yet; retry with the same Idempotency-Key")));
    }

    private static void check(Purchase p, Invoice invoice) {
        if (invoice.getTotal() == null || invoice.getTotal() != p.amountYen) {
            LOG.errorf("invoice %s totals ¥%s but purchase %s is ¥%d (tax rate misconfigured?)", invoice.getId(),
                    invoice.getTotal(), p.id, p.amountYen);
        }
    }
}
