package io.hotelcrm.billing.webhook;

import com.fasterxml.jackson.databind.JsonNode;

/** The PaymentIntent and charge that paid an invoice, as far as known (either may be null). */
record InvoicePaymentRef(String paymentIntentId, String chargeId) {

    static final InvoicePaymentRef NONE = new InvoicePaymentRef(null, null);

    boolean isEmpty() {
        return paymentIntentId == null && chargeId == null;
    }

    /** From an InvoicePayment object: its {@code payment}. */
    static InvoicePaymentRef of(JsonNode invoicePayment) {
        JsonNode payment = invoicePayment.path("payment");
        return new InvoicePaymentRef(StripeJson.id(payment, "payment_intent"), StripeJson.id(payment, "charge"));
    }

    /**
     * From an invoice as an event carries it: {@code payment_intent}/{@code charge} in API versions before
     * 2025-03-31, else its {@code payments} when they were included; empty when it carries neither.
     */
    static InvoicePaymentRef ofInvoice(JsonNode invoice) {
        InvoicePaymentRef direct = new InvoicePaymentRef(StripeJson.id(invoice, "payment_intent"), StripeJson.id(invoice, "charge"));
        if (!direct.isEmpty()) {
            return direct;
        }
        for (JsonNode payment : invoice.path("payments").path("data")) {
            if ("paid".equals(StripeJson.string(payment, "status"))) {
                return of(payment);
            }
        }
        return NONE;
    }
}
