package io.hotelcrm.stripestub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Stripe resources the stub serves and their state machines. Called under the stub's lock, one
 * request at a time, so the objects change consistently.
 */
final class Api {

    private static final Pattern ROUTE = Pattern.compile("/v1/([a-z_]+)(?:/([A-Za-z0-9_]+))?(?:/([a-z_]+))?");
    private static final String VISA = "visa";
    private static final String DECLINED = "chargeDeclined";
    private static final String CUSTOMER_FAIL = "chargeCustomerFail";
    private static final String AUTH_REQUIRED = "authenticationRequired";
    /** Stripe's 4000000000005126: charges succeed; a refund succeeds, then fails (charge.refund.updated). */
    private static final String REFUND_FAIL = "refundFail";

    private final StripeStub stub;
    private int invoiceNumber;

    Api(StripeStub stub) {
        this.stub = stub;
    }

    JsonNode route(String method, String path, ObjectNode p, String key) {
        Matcher m = ROUTE.matcher(path);
        if (!m.matches()) {
            throw new StripeError(404, "invalid_request_error", null, null, "Unrecognized request URL (" + method + ": "
                    + path + ").", null);
        }
        String resource = m.group(1);
        String id = m.group(2);
        String action = m.group(3);
        List<String> expand = StripeStub.strings(p.get("expand"));
        String route = method + " " + resource + (id == null ? "" : " {id}") + (action == null ? "" : " " + action);
        return switch (route) {
            case "POST customers" -> createCustomer(p);
            case "GET customers {id}" -> get(id, "customer");
            case "POST customers {id}" -> updateCustomer(id, p);
            case "GET payment_methods {id}" -> render(paymentMethod(id, "id"), expand);
            case "POST payment_methods {id} attach" -> attach(id, p);
            case "POST setup_intents" -> createSetupIntent(p, key);
            case "GET setup_intents {id}" -> get(id, "setup_intent");
            case "POST payment_intents" -> createPaymentIntent(p, key, expand);
            case "GET payment_intents {id}" -> render(get(id, "payment_intent"), expand);
            case "POST payment_intents {id} confirm" -> confirm(find(id, "payment_intent"), p, key);
            case "POST tax_rates" -> createTaxRate(p);
            case "GET tax_rates {id}" -> get(id, "tax_rate");
            case "GET prices {id}" -> get(id, "price");
            case "POST invoices" -> createInvoice(p);
            case "GET invoices {id}" -> render(get(id, "invoice"), expand);
            case "POST invoices {id} finalize" -> render(finalizeInvoice(find(id, "invoice"), key), expand);
            case "POST invoices {id} send" -> render(sendInvoice(find(id, "invoice"), key), expand);
            case "POST invoiceitems" -> createInvoiceItem(p);
            case "POST subscriptions" -> render(createSubscription(p, key), expand);
            case "GET subscriptions {id}" -> render(get(id, "subscription"), expand);
            case "POST subscriptions {id}" -> render(updateSubscription(find(id, "subscription"), p, key), expand);
            case "DELETE subscriptions {id}" -> cancelSubscription(find(id, "subscription"), key);
            case "POST refunds" -> createRefund(p, key);
            case "GET refunds {id}" -> get(id, "refund");
            case "GET charges {id}" -> get(id, "charge");
            case "GET invoice_payments" -> listInvoicePayments(p);
            case "GET invoice_payments {id}" -> get(id, "invoice_payment");
            default -> throw new StripeError(404, "invalid_request_error", null, null,
                    "Unrecognized request URL (" + method + ": " + path + "). The stub serves only what billing uses.", null);
        };
    }

    // ---------------------------------------------------------------- customers and payment methods

    private JsonNode createCustomer(ObjectNode p) {
        ObjectNode c = stub.fixture("customer");
        c.put("id", stub.newId("cus"));
        c.put("created", stub.now());
        c.putNull("discount");
        c.put("currency", "jpy");
        text(c, p, "email");
        text(c, p, "name");
        text(c, p, "description");
        c.set("metadata", metadata(p));
        ((ObjectNode) c.get("invoice_settings")).putNull("default_payment_method");
        stub.objects.put(c.get("id").asText(), c);
        return c.deepCopy();
    }

    private JsonNode updateCustomer(String id, ObjectNode p) {
        ObjectNode c = find(id, "customer");
        text(c, p, "email");
        text(c, p, "name");
        if (p.has("metadata")) {
            ((ObjectNode) c.get("metadata")).setAll(metadata(p));
        }
        String pm = p.path("invoice_settings").path("default_payment_method").asText(null);
        if (pm != null) {
            ObjectNode method = paymentMethod(pm, "invoice_settings[default_payment_method]");
            if (!id.equals(method.path("customer").asText())) {
                throw StripeError.invalid("invoice_settings[default_payment_method]",
                        "The customer does not have a payment method with the ID " + pm
                                + ". The payment method must be attached to the customer.");
            }
            ((ObjectNode) c.get("invoice_settings")).put("default_payment_method", pm);
        }
        return c.deepCopy();
    }

    /**
     * A PaymentMethod by id. Stripe's test tokens ({@code pm_card_visa}, …) become a new PaymentMethod
     * each time they are used, as on Stripe; its card remembers the scenario of the token.
     */
    private ObjectNode paymentMethod(String id, String param) {
        ObjectNode existing = stub.objects.get(id);
        if (existing != null && "payment_method".equals(existing.path("object").asText())) {
            return existing;
        }
        String scenario = switch (id) {
            case "pm_card_visa", "pm_card_mastercard", "pm_card_jcb" -> VISA;
            case "pm_card_chargeDeclined", "pm_card_visa_chargeDeclined" -> DECLINED;
            case "pm_card_chargeCustomerFail" -> CUSTOMER_FAIL;
            case "pm_card_authenticationRequired", "pm_card_threeDSecure2Required" -> AUTH_REQUIRED;
            case "pm_card_refundFail" -> REFUND_FAIL;
            default -> throw new StripeError(400, "invalid_request_error", "resource_missing", null,
                    "No such PaymentMethod: '" + id + "'", param);
        };
        ObjectNode pm = stub.fixture("payment_method");
        pm.put("id", stub.newId("pm"));
        pm.put("created", stub.now());
        pm.putNull("customer");
        pm.set("metadata", JsonNodeFactory.instance.objectNode());
        ObjectNode card = (ObjectNode) pm.get("card");
        card.put("brand", id.contains("mastercard") ? "mastercard" : id.contains("jcb") ? "jcb" : "visa");
        card.put("display_brand", card.get("brand").asText());
        card.put("last4", switch (scenario) {
            case DECLINED -> "0002";
            case CUSTOMER_FAIL -> "0341";
            case AUTH_REQUIRED -> "3184";
            case REFUND_FAIL -> "5126";
            default -> "4242";
        });
        card.put("country", "JP");
        card.putNull("wallet");
        stub.objects.put(pm.get("id").asText(), pm);
        stub.cardScenario.put(pm.get("id").asText(), scenario);
        return pm;
    }

    private JsonNode attach(String id, ObjectNode p) {
        String customer = required(p, "customer");
        find(customer, "customer");
        ObjectNode pm = paymentMethod(id, "payment_method");
        if (DECLINED.equals(stub.cardScenario.get(pm.get("id").asText()))) {
            throw cardDeclined("card_declined", "generic_decline", "Your card was declined.");
        }
        pm.put("customer", customer);
        return pm.deepCopy();
    }

    private JsonNode createSetupIntent(ObjectNode p, String key) {
        ObjectNode si = stub.fixture("setup_intent");
        String id = stub.newId("seti");
        si.put("id", id);
        si.put("client_secret", id + "_secret_" + stub.token(24));
        si.put("created", stub.now());
        si.putNull("last_setup_error");
        si.putNull("next_action");
        si.putNull("payment_method_configuration_details");
        si.put("usage", p.path("usage").asText("off_session"));
        si.set("metadata", metadata(p));
        String customer = p.path("customer").asText(null);
        if (customer != null) {
            find(customer, "customer");
        }
        si.put("customer", customer);
        stub.objects.put(id, si);
        if (p.has("payment_method")) {
            ObjectNode pm = paymentMethod(p.get("payment_method").asText(), "payment_method");
            si.put("payment_method", pm.get("id").asText());
            si.put("status", "requires_confirmation");
            if (p.path("confirm").asBoolean(false) || "true".equals(p.path("confirm").asText())) {
                String scenario = stub.cardScenario.get(pm.get("id").asText());
                switch (scenario) {
                    case DECLINED -> {
                        si.put("status", "requires_payment_method");
                        ObjectNode error = si.putObject("last_setup_error");
                        error.put("type", "card_error");
                        error.put("code", "card_declined");
                        error.put("decline_code", "generic_decline");
                        error.put("message", "Your card was declined.");
                        stub.emit("setup_intent.setup_failed", si, null, key);
                        throw cardDeclined("card_declined", "generic_decline", "Your card was declined.");
                    }
                    case AUTH_REQUIRED -> {
                        si.put("status", "requires_action");
                        si.set("next_action", useStripeSdk());
                        stub.emit("setup_intent.requires_action", si, null, key);
                    }
                    default -> {
                        si.put("status", "succeeded");
                        if (customer != null) {
                            pm.put("customer", customer);
                        }
                        stub.emit("setup_intent.succeeded", si, null, key);
                    }
                }
            }
        }
        return si.deepCopy();
    }

    // ---------------------------------------------------------------- payment intents

    private JsonNode createPaymentIntent(ObjectNode p, String key, List<String> expand) {
        long amount = amount(p, "amount");
        String currency = currency(p);
        minimum(amount, currency);
        ObjectNode pi = stub.fixture("payment_intent");
        String id = stub.newId("pi");
        pi.put("id", id);
        pi.put("client_secret", id + "_secret_" + stub.token(24));
        pi.put("created", stub.now());
        pi.put("amount", amount);
        pi.put("currency", currency);
        pi.put("amount_received", 0);
        pi.putNull("canceled_at");
        pi.putNull("last_payment_error");
        pi.putNull("next_action");
        pi.putNull("processing");
        pi.putNull("transfer_data");
        pi.putNull("payment_method_configuration_details");
        pi.putNull("latest_charge");
        pi.set("metadata", metadata(p));
        text(pi, p, "description");
        text(pi, p, "receipt_email");
        pi.put("status", "requires_payment_method");
        String customer = p.path("customer").asText(null);
        if (customer != null) {
            find(customer, "customer");
        }
        pi.put("customer", customer);
        if (p.has("payment_method_types")) {
            pi.set("payment_method_types", p.get("payment_method_types"));
            pi.putNull("automatic_payment_methods");
        }
        if (p.has("setup_future_usage")) {
            pi.put("setup_future_usage", p.get("setup_future_usage").asText());
        }
        stub.objects.put(id, pi);
        if (p.has("payment_method")) {
            ObjectNode pm = paymentMethod(p.get("payment_method").asText(), "payment_method");
            if (pm.hasNonNull("customer") && customer != null && !customer.equals(pm.get("customer").asText())) {
                throw StripeError.invalid("payment_method", "The provided PaymentMethod belongs to another customer.");
            }
            pi.put("payment_method", pm.get("id").asText());
            pi.put("status", "requires_confirmation");
        }
        stub.emit("payment_intent.created", pi, null, key);
        if (bool(p, "confirm")) {
            return render(confirm(pi, p, key), expand);
        }
        return render(pi, expand);
    }

    private JsonNode confirm(ObjectNode pi, ObjectNode p, String key) {
        if (p.has("payment_method")) {
            ObjectNode pm = paymentMethod(p.get("payment_method").asText(), "payment_method");
            pi.put("payment_method", pm.get("id").asText());
        }
        String status = pi.get("status").asText();
        if (!status.equals("requires_confirmation") && !status.equals("requires_payment_method")) {
            throw new StripeError(400, "invalid_request_error", "payment_intent_unexpected_state", null,
                    "You cannot confirm this PaymentIntent because it has a status of " + status + ".", null)
                    .withPaymentIntent(pi.deepCopy());
        }
        String pmId = pi.path("payment_method").asText(null);
        if (pmId == null) {
            throw new StripeError(400, "invalid_request_error", "payment_intent_unexpected_state", null,
                    "You cannot confirm this PaymentIntent because it's missing a payment method.", "payment_method");
        }
        boolean offSession = bool(p, "off_session");
        String scenario = stub.cardScenario.getOrDefault(pmId, VISA);
        switch (scenario) {
            case DECLINED, CUSTOMER_FAIL -> throw fail(pi, "card_declined", "generic_decline", "Your card was declined.", key);
            case AUTH_REQUIRED -> {
                if (offSession) {
                    throw fail(pi, "authentication_required", "authentication_required",
                            "Your card was declined. This transaction requires authentication.", key);
                }
                pi.put("status", "requires_action");
                pi.set("next_action", useStripeSdk());
                stub.emit("payment_intent.requires_action", pi, null, key);
                return pi.deepCopy();
            }
            default -> {
                succeed(pi, key);
                return pi.deepCopy();
            }
        }
    }

    /** A succeeded charge of the PaymentIntent's whole amount, stored. */
    private ObjectNode newCharge(ObjectNode pi) {
        ObjectNode charge = stub.fixture("charge");
        String chargeId = stub.newId("ch");
        charge.put("id", chargeId);
        charge.put("created", stub.now());
        charge.put("amount", pi.get("amount").asLong());
        charge.put("amount_captured", pi.get("amount").asLong());
        charge.put("amount_refunded", 0);
        charge.put("captured", true);
        charge.put("currency", pi.get("currency").asText());
        charge.set("customer", pi.get("customer"));
        charge.put("payment_intent", pi.get("id").asText());
        charge.set("payment_method", pi.get("payment_method"));
        charge.set("metadata", pi.get("metadata").deepCopy());
        charge.put("description", pi.path("description").asText(null));
        charge.put("paid", true);
        charge.put("refunded", false);
        charge.put("status", "succeeded");
        charge.putNull("source");
        charge.putNull("transfer_data");
        charge.putNull("balance_transaction");
        ObjectNode refunds = charge.putObject("refunds");
        refunds.put("object", "list");
        refunds.set("data", StripeStub.array());
        refunds.put("has_more", false);
        refunds.put("url", "/v1/charges/" + chargeId + "/refunds");
        stub.objects.put(chargeId, charge);
        return charge;
    }

    private void succeed(ObjectNode pi, String key) {
        ObjectNode charge = newCharge(pi);
        String chargeId = charge.get("id").asText();
        pi.put("status", "succeeded");
        pi.put("amount_received", pi.get("amount").asLong());
        pi.put("latest_charge", chargeId);
        pi.putNull("next_action");
        pi.putNull("last_payment_error");
        stub.emit("charge.succeeded", charge, null, key);
        stub.emit("payment_intent.succeeded", pi, null, key);
    }

    private StripeError fail(ObjectNode pi, String code, String declineCode, String message, String key) {
        pi.put("status", "requires_payment_method");
        pi.putNull("next_action");
        ObjectNode error = pi.putObject("last_payment_error");
        error.put("type", "card_error");
        error.put("code", code);
        error.put("decline_code", declineCode);
        error.put("message", message);
        error.set("payment_method", stub.objects.get(pi.get("payment_method").asText()).deepCopy());
        stub.emit("payment_intent.payment_failed", pi, null, key);
        return cardDeclined(code, declineCode, message).withPaymentIntent(pi.deepCopy());
    }

    JsonNode completeAuthentication(String id) {
        ObjectNode pi = find(id, "payment_intent");
        if (!"requires_action".equals(pi.get("status").asText())) {
            throw new IllegalStateException(id + " does not require action but is " + pi.get("status").asText());
        }
        succeed(pi, null);
        return stub.events("payment_intent.succeeded", id).get(0);
    }

    /** The card holder passed 3-D Secure while saving a card: the SetupIntent succeeds and the card is attached. */
    JsonNode completeSetupAuthentication(String id) {
        ObjectNode si = find(id, "setup_intent");
        if (!"requires_action".equals(si.get("status").asText())) {
            throw new IllegalStateException(id + " does not require action but is " + si.get("status").asText());
        }
        si.put("status", "succeeded");
        si.putNull("next_action");
        String customer = si.path("customer").asText(null);
        ObjectNode pm = stub.objects.get(si.path("payment_method").asText());
        if (customer != null && pm != null) {
            pm.put("customer", customer);
        }
        stub.emit("setup_intent.succeeded", si, null, null);
        return stub.events("setup_intent.succeeded", id).get(0);
    }

    JsonNode failAuthentication(String id) {
        ObjectNode pi = find(id, "payment_intent");
        if (!"requires_action".equals(pi.get("status").asText())) {
            throw new IllegalStateException(id + " does not require action but is " + pi.get("status").asText());
        }
        fail(pi, "payment_intent_authentication_failure", null,
                "The provided PaymentMethod has failed authentication.", null);
        List<JsonNode> failed = stub.events("payment_intent.payment_failed", id);
        return failed.get(failed.size() - 1);
    }

    // ---------------------------------------------------------------- invoices

    private JsonNode createTaxRate(ObjectNode p) {
        ObjectNode tax = JsonNodeFactory.instance.objectNode();
        String id = stub.newId("txr");
        tax.put("id", id);
        tax.put("object", "tax_rate");
        tax.put("active", true);
        tax.put("created", stub.now());
        tax.put("display_name", required(p, "display_name"));
        tax.put("percentage", Double.parseDouble(required(p, "percentage")));
        tax.put("inclusive", bool(p, "inclusive"));
        tax.put("country", p.path("country").asText(null));
        tax.put("jurisdiction", p.path("jurisdiction").asText(null));
        tax.put("description", p.path("description").asText(null));
        tax.put("tax_type", p.path("tax_type").asText(null));
        tax.put("livemode", false);
        tax.set("metadata", metadata(p));
        stub.objects.put(id, tax);
        return tax.deepCopy();
    }

    private JsonNode createInvoice(ObjectNode p) {
        String customer = required(p, "customer");
        ObjectNode c = find(customer, "customer");
        ObjectNode inv = newInvoice(customer, c);
        String method = p.path("collection_method").asText("charge_automatically");
        inv.put("collection_method", method);
        if (method.equals("send_invoice")) {
            if (p.has("due_date")) {
                inv.put("due_date", amount(p, "due_date"));
            } else if (p.has("days_until_due")) {
                inv.put("due_date", stub.now() + 86400 * amount(p, "days_until_due"));
            } else {
                throw StripeError.invalid("collection_method",
                        "Invoices with collection_method=send_invoice need a due_date or days_until_due.");
            }
        }
        inv.put("auto_advance", bool(p, "auto_advance"));
        text(inv, p, "description");
        inv.set("metadata", metadata(p));
        ArrayNode rates = StripeStub.array();
        for (String rate : StripeStub.strings(p.get("default_tax_rates"))) {
            rates.add(find(rate, "tax_rate").deepCopy());
        }
        inv.set("default_tax_rates", rates);
        inv.put("billing_reason", "manual");
        stub.objects.put(inv.get("id").asText(), inv);
        stub.emit("invoice.created", inv, null, null);
        return inv.deepCopy();
    }

    private ObjectNode newInvoice(String customerId, ObjectNode customer) {
        ObjectNode inv = stub.fixture("invoice");
        String id = stub.newId("in");
        inv.put("id", id);
        inv.put("created", stub.now());
        inv.put("effective_at", (String) null);
        inv.put("status", "draft");
        inv.put("customer", customerId);
        inv.put("customer_email", customer.path("email").asText(null));
        inv.put("customer_name", customer.path("name").asText(null));
        inv.put("currency", "jpy");
        inv.put("account_country", "JP");
        inv.put("attempt_count", 0);
        inv.put("attempted", false);
        inv.putNull("due_date");
        inv.putNull("next_payment_attempt");
        inv.putNull("last_finalization_error");
        inv.putNull("from_invoice");
        inv.putNull("parent");
        inv.putNull("number");
        inv.putNull("hosted_invoice_url");
        inv.putNull("subscription");
        inv.set("discounts", StripeStub.array());
        ObjectNode lines = inv.putObject("lines");
        lines.put("object", "list");
        lines.set("data", StripeStub.array());
        lines.put("has_more", false);
        lines.put("url", "/v1/invoices/" + id + "/lines");
        inv.put("amount_paid", 0);
        ObjectNode transitions = inv.putObject("status_transitions");
        transitions.putNull("finalized_at");
        transitions.putNull("paid_at");
        transitions.putNull("marked_uncollectible_at");
        transitions.putNull("voided_at");
        recompute(inv);
        return inv;
    }

    private JsonNode createInvoiceItem(ObjectNode p) {
        String customer = required(p, "customer");
        find(customer, "customer");
        long amount;
        if (p.has("amount")) {
            amount = amount(p, "amount");
        } else if (p.has("unit_amount_decimal") || p.has("price_data")) {
            amount = Long.parseLong(p.path("price_data").path("unit_amount").asText(p.path("unit_amount_decimal").asText()))
                    * (p.has("quantity") ? amount(p, "quantity") : 1);
        } else {
            throw StripeError.required("amount");
        }
        String currency = currency(p);
        ObjectNode item = stub.fixture("invoiceitem");
        String id = stub.newId("ii");
        item.put("id", id);
        item.put("amount", amount);
        item.put("currency", currency);
        item.put("customer", customer);
        item.put("date", stub.now());
        text(item, p, "description");
        item.set("metadata", metadata(p));
        item.putNull("parent");
        item.put("net_amount", amount);
        item.put("quantity", 1);
        item.putNull("quantity_decimal");
        String invoiceId = p.path("invoice").asText(null);
        item.put("invoice", invoiceId);
        if (invoiceId != null) {
            ObjectNode inv = find(invoiceId, "invoice");
            if (!"draft".equals(inv.get("status").asText())) {
                throw StripeError.invalid("invoice", "You can only add invoice items to draft invoices.");
            }
            if (!customer.equals(inv.get("customer").asText())) {
                throw StripeError.invalid("invoice", "The invoice belongs to another customer.");
            }
            inv.put("currency", currency);
            ((ArrayNode) inv.get("lines").get("data")).add(line(inv, id, amount, currency,
                    item.path("description").asText(null), metadata(p), null));
            recompute(inv);
        }
        stub.objects.put(id, item);
        return item.deepCopy();
    }

    private ObjectNode line(ObjectNode inv, String source, long amount, String currency, String description,
                            JsonNode metadata, String subscription) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("id", stub.newId("il"));
        line.put("object", "line_item");
        line.put("amount", amount);
        line.put("subtotal", amount);
        line.put("currency", currency);
        line.put("description", description);
        line.put("invoice", inv.get("id").asText());
        line.put("livemode", false);
        line.set("metadata", metadata);
        line.put("quantity", 1);
        line.put("subscription", subscription);
        ObjectNode period = line.putObject("period");
        period.put("start", stub.now());
        period.put("end", stub.now());
        line.set("discount_amounts", StripeStub.array());
        line.set("discounts", StripeStub.array());
        line.put("discountable", true);
        line.putNull("parent");
        line.putNull("pricing");
        line.putNull("taxes");
        line.putNull("pretax_credit_amounts");
        line.put("source", source);
        return line;
    }

    /** Subtotal from the lines, exclusive tax from the default tax rates (yen: whole units, rounded down). */
    private void recompute(ObjectNode inv) {
        long subtotal = 0;
        for (JsonNode line : inv.get("lines").get("data")) {
            subtotal += line.get("amount").asLong();
        }
        long taxTotal = 0;
        ArrayNode taxes = StripeStub.array();
        for (JsonNode rate : inv.path("default_tax_rates")) {
            if (rate.path("inclusive").asBoolean()) {
                continue;
            }
            long tax = (long) Math.floor(subtotal * rate.get("percentage").asDouble() / 100.0);
            taxTotal += tax;
            ObjectNode t = taxes.addObject();
            t.put("amount", tax);
            t.put("tax_behavior", "exclusive");
            t.put("taxability_reason", "standard_rated");
            t.put("taxable_amount", subtotal);
            t.put("type", "tax_rate_details");
            t.putObject("tax_rate_details").put("tax_rate", rate.get("id").asText());
        }
        long total = subtotal + taxTotal;
        inv.put("subtotal", subtotal);
        inv.put("subtotal_excluding_tax", subtotal);
        inv.put("total_excluding_tax", subtotal);
        inv.set("total_taxes", taxes);
        inv.put("total", total);
        inv.put("amount_due", total);
        inv.put("amount_remaining", total - inv.path("amount_paid").asLong());
    }

    private ObjectNode finalizeInvoice(ObjectNode inv, String key) {
        if (!"draft".equals(inv.get("status").asText())) {
            throw new StripeError(400, "invalid_request_error", "invoice_not_editable", null,
                    "This invoice is already finalized, you can't re-finalize a non-draft invoice.", null);
        }
        if (inv.get("lines").get("data").isEmpty()) {
            throw new StripeError(400, "invalid_request_error", "invoice_no_line_items", null,
                    "Nothing to invoice for customer", null);
        }
        String id = inv.get("id").asText();
        inv.put("status", "open");
        inv.put("number", "STUB-" + String.format("%04d", ++invoiceNumber));
        inv.put("hosted_invoice_url", stubUrl("/i/" + id));
        inv.put("invoice_pdf", stubUrl("/i/" + id + "/pdf"));
        inv.put("effective_at", stub.now());
        ((ObjectNode) inv.get("status_transitions")).put("finalized_at", stub.now());
        ObjectNode secret = inv.putObject("confirmation_secret");
        secret.put("type", "payment_intent");
        secret.put("client_secret", "pi_1Stub" + stub.token(18) + "_secret_" + stub.token(24));
        stub.emit("invoice.finalized", inv, null, key);
        return inv;
    }

    private ObjectNode sendInvoice(ObjectNode inv, String key) {
        if (!"send_invoice".equals(inv.get("collection_method").asText())) {
            throw StripeError.invalid("collection_method",
                    "You can only manually send an invoice if its collection method is 'send_invoice'.");
        }
        if (!"open".equals(inv.get("status").asText())) {
            throw new StripeError(400, "invalid_request_error", "invoice_not_editable", null,
                    "You can only send open invoices.", null);
        }
        if (inv.path("customer_email").isNull() || inv.path("customer_email").asText().isEmpty()) {
            throw StripeError.invalid("customer", "The customer has no email to send the invoice to.");
        }
        stub.emit("invoice.sent", inv, null, key);
        return inv;
    }

    JsonNode payInvoice(String id) {
        ObjectNode inv = find(id, "invoice");
        if (!"open".equals(inv.get("status").asText())) {
            throw new IllegalStateException(id + " is " + inv.get("status").asText() + ", not open");
        }
        markPaid(inv, null);
        return stub.events("invoice.paid", id).get(0);
    }

    /**
     * How Stripe pays an invoice (API 2025-03-31 and later): a PaymentIntent of its own (no metadata of ours) with a
     * charge, linked to the invoice by an InvoicePayment; the invoice itself no longer names them.
     */
    private void payWithPaymentIntent(ObjectNode inv, String key) {
        long amount = inv.get("total").asLong();
        if (amount <= 0) {
            return;
        }
        ObjectNode pi = stub.fixture("payment_intent");
        String id = stub.newId("pi");
        pi.put("id", id);
        pi.put("client_secret", id + "_secret_" + stub.token(24));
        pi.put("created", stub.now());
        pi.put("amount", amount);
        pi.put("amount_received", amount);
        pi.put("currency", inv.get("currency").asText());
        pi.set("customer", inv.get("customer"));
        pi.putObject("metadata");
        pi.put("description", "Payment for Invoice");
        pi.putNull("payment_method");
        pi.putNull("canceled_at");
        pi.putNull("last_payment_error");
        pi.putNull("next_action");
        pi.putNull("processing");
        pi.putNull("transfer_data");
        pi.putNull("payment_method_configuration_details");
        pi.put("status", "succeeded");
        stub.objects.put(id, pi);
        ObjectNode charge = newCharge(pi);
        pi.put("latest_charge", charge.get("id").asText());
        ObjectNode payment = stub.fixture("invoice_payment");
        String paymentId = stub.newId("inpay");
        payment.put("id", paymentId);
        payment.put("created", stub.now());
        payment.put("invoice", inv.get("id").asText());
        payment.put("amount_paid", amount);
        payment.put("amount_requested", amount);
        payment.put("currency", inv.get("currency").asText());
        payment.put("is_default", true);
        payment.put("livemode", false);
        payment.put("status", "paid");
        payment.putObject("payment").put("type", "payment_intent").put("payment_intent", id);
        ((ObjectNode) payment.get("status_transitions")).put("paid_at", stub.now());
        stub.objects.put(paymentId, payment);
        stub.emit("charge.succeeded", charge, null, key);
        stub.emit("payment_intent.succeeded", pi, null, key);
        stub.emit("invoice_payment.paid", payment, null, key);
    }

    private JsonNode listInvoicePayments(ObjectNode p) {
        String invoice = p.path("invoice").asText(null);
        String status = p.path("status").asText(null);
        ArrayNode data = StripeStub.array();
        stub.objects.values().stream()
                .filter(o -> "invoice_payment".equals(o.path("object").asText()))
                .filter(o -> invoice == null || invoice.equals(o.path("invoice").asText()))
                .filter(o -> status == null || status.equals(o.path("status").asText()))
                .filter(o -> !p.path("payment").has("payment_intent")
                        || p.path("payment").path("payment_intent").asText().equals(o.path("payment").path("payment_intent").asText()))
                .sorted((a, b) -> Long.compare(b.path("created").asLong(), a.path("created").asLong()))
                .forEach(o -> data.add(o.deepCopy()));
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("object", "list");
        list.set("data", data);
        list.put("has_more", false);
        list.put("url", "/v1/invoice_payments");
        return list;
    }

    /** The PaymentIntent that paid an invoice (through its InvoicePayment). */
    String invoicePaymentIntent(String invoiceId) {
        return stub.objects.values().stream()
                .filter(o -> "invoice_payment".equals(o.path("object").asText()) && invoiceId.equals(o.path("invoice").asText())
                        && "paid".equals(o.path("status").asText()))
                .map(o -> o.path("payment").path("payment_intent").asText(null))
                .findFirst().orElseThrow(() -> new IllegalStateException(invoiceId + " has no paid InvoicePayment"));
    }

    private void markPaid(ObjectNode inv, String key) {
        payWithPaymentIntent(inv, key);
        inv.put("status", "paid");
        inv.put("amount_paid", inv.get("total").asLong());
        inv.put("amount_remaining", 0);
        inv.put("attempted", true);
        inv.put("attempt_count", inv.get("attempt_count").asInt() + 1);
        ((ObjectNode) inv.get("status_transitions")).put("paid_at", stub.now());
        stub.emit("invoice.payment_succeeded", inv, null, key);
        stub.emit("invoice.paid", inv, null, key);
        String subscriptionId = inv.path("parent").path("subscription_details").path("subscription").asText(null);
        if (subscriptionId != null) {
            ObjectNode sub = find(subscriptionId, "subscription");
            if (sub.hasNonNull("pending_update") && inv.get("id").asText().equals(sub.path("latest_invoice").asText())) {
                applyPendingUpdate(sub, key);
            }
            if ("incomplete".equals(sub.get("status").asText()) || "past_due".equals(sub.get("status").asText())) {
                ObjectNode previous = JsonNodeFactory.instance.objectNode().put("status", sub.get("status").asText());
                sub.put("status", "active");
                stub.emit("customer.subscription.updated", sub, previous, key);
            }
        }
    }

    /** The invoice of a pending update is paid: Stripe applies its items and clears it. */
    private void applyPendingUpdate(ObjectNode sub, String key) {
        ObjectNode pending = (ObjectNode) sub.get("pending_update");
        ObjectNode previous = JsonNodeFactory.instance.objectNode();
        previous.set("items", sub.get("items").deepCopy());
        previous.set("pending_update", pending.deepCopy());
        for (JsonNode change : pending.path("subscription_items")) {
            for (JsonNode existing : sub.get("items").get("data")) {
                if (existing.get("id").asText().equals(change.path("id").asText())) {
                    ((ObjectNode) existing).set("price", change.get("price").deepCopy());
                }
            }
        }
        sub.putNull("pending_update");
        stub.emit("customer.subscription.pending_update_applied", sub, previous, key);
        stub.emit("customer.subscription.updated", sub, previous, key);
    }

    JsonNode failInvoicePayment(String id) {
        ObjectNode inv = find(id, "invoice");
        inv.put("attempted", true);
        inv.put("attempt_count", inv.get("attempt_count").asInt() + 1);
        stub.emit("invoice.payment_failed", inv, null, null);
        List<JsonNode> failed = stub.events("invoice.payment_failed", id);
        return failed.get(failed.size() - 1);
    }

    // ---------------------------------------------------------------- subscriptions

    private ObjectNode createSubscription(ObjectNode p, String key) {
        String customer = required(p, "customer");
        ObjectNode c = find(customer, "customer");
        JsonNode items = p.get("items");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw StripeError.required("items");
        }
        ObjectNode sub = stub.fixture("subscription");
        String id = stub.newId("sub");
        sub.put("id", id);
        sub.put("created", stub.now());
        sub.put("start_date", stub.now());
        sub.put("billing_cycle_anchor", stub.now());
        sub.putNull("billing_cycle_anchor_config");
        sub.putNull("cancel_at");
        sub.putNull("canceled_at");
        sub.putNull("ended_at");
        sub.put("cancel_at_period_end", false);
        sub.putNull("pause_collection");
        sub.putNull("transfer_data");
        sub.putNull("next_pending_invoice_item_invoice");
        sub.putNull("trial_end");
        sub.putNull("trial_start");
        sub.putNull("pending_update");
        sub.putNull("default_payment_method");
        sub.put("customer", customer);
        sub.put("currency", "jpy");
        sub.set("metadata", metadata(p));
        ArrayNode subItems = StripeStub.array();
        long total = 0;
        for (JsonNode item : items) {
            String priceId = item.path("price").asText(null);
            if (priceId == null) {
                throw StripeError.required("items[0][price]");
            }
            ObjectNode price = find(priceId, "price");
            subItems.add(subscriptionItem(id, price));
            total += price.get("unit_amount").asLong();
        }
        ObjectNode list = sub.putObject("items");
        list.put("object", "list");
        list.set("data", subItems);
        list.put("has_more", false);
        list.put("url", "/v1/subscription_items?subscription=" + id);
        ObjectNode inv = newInvoice(customer, c);
        inv.put("billing_reason", "subscription_create");
        inv.put("collection_method", "charge_automatically");
        ObjectNode parent = inv.putObject("parent");
        parent.put("type", "subscription_details");
        parent.putObject("subscription_details").put("subscription", id).putNull("metadata");
        ((ArrayNode) inv.get("lines").get("data")).add(line(inv, id, total, "jpy", "1 × plan (at ¥" + total + " / month)",
                JsonNodeFactory.instance.objectNode(), id));
        recompute(inv);
        stub.objects.put(inv.get("id").asText(), inv);
        finalizeInvoice(inv, key);
        sub.put("latest_invoice", inv.get("id").asText());
        String behavior = p.path("payment_behavior").asText("allow_incomplete");
        String defaultPm = c.path("invoice_settings").path("default_payment_method").asText(null);
        sub.put("status", "incomplete");
        stub.objects.put(id, sub);
        stub.emit("customer.subscription.created", sub, null, key);
        if (!behavior.equals("default_incomplete") && defaultPm != null
                && paysLikeVisa(stub.cardScenario.get(defaultPm))) {
            markPaid(inv, key);
        }
        return sub;
    }

    private ObjectNode subscriptionItem(String subscriptionId, ObjectNode price) {
        ObjectNode item = JsonNodeFactory.instance.objectNode();
        item.put("id", stub.newId("si"));
        item.put("object", "subscription_item");
        item.put("created", stub.now());
        item.set("price", price.deepCopy());
        item.put("quantity", 1);
        item.put("subscription", subscriptionId);
        item.set("metadata", JsonNodeFactory.instance.objectNode());
        item.set("discounts", StripeStub.array());
        item.set("tax_rates", StripeStub.array());
        item.put("current_period_start", stub.now());
        item.put("current_period_end", stub.now() + 30L * 86400);
        return item;
    }

    /** What {@code payment_behavior=pending_if_incomplete} accepts (Stripe's pending updates reference). */
    private static final List<String> PENDING_UPDATE_PARAMS = List.of("expand", "payment_behavior", "proration_behavior",
            "proration_date", "billing_cycle_anchor", "items", "trial_end", "trial_from_plan", "add_invoice_items");

    /** How long Stripe keeps a pending update whose invoice is not paid: 23 hours. */
    private static final long PENDING_UPDATE_LIFETIME = 23L * 3600;

    private ObjectNode updateSubscription(ObjectNode sub, ObjectNode p, String key) {
        if ("canceled".equals(sub.get("status").asText())) {
            throw StripeError.invalid("subscription", "A canceled subscription can only update its cancellation_details.");
        }
        String behavior = p.path("payment_behavior").asText("allow_incomplete");
        boolean pendingIfIncomplete = behavior.equals("pending_if_incomplete");
        if (pendingIfIncomplete) {
            for (var names = p.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!PENDING_UPDATE_PARAMS.contains(name)) {
                    throw StripeError.invalid(name, "You cannot pass `" + name + "` when payment_behavior is "
                            + "pending_if_incomplete; only the attributes of pending updates are supported.");
                }
            }
        }
        ObjectNode previous = JsonNodeFactory.instance.objectNode();
        if (p.has("metadata")) {
            previous.set("metadata", sub.get("metadata").deepCopy());
            ((ObjectNode) sub.get("metadata")).setAll(metadata(p));
        }
        JsonNode items = p.get("items");
        if (items != null && items.isArray()) {
            ArrayNode current = (ArrayNode) sub.get("items").get("data");
            long oldTotal = 0;
            long newTotal = 0;
            List<ObjectNode[]> newPrices = new ArrayList<>(); // {item, its new price}
            for (JsonNode change : items) {
                String itemId = change.path("id").asText(null);
                ObjectNode target = null;
                for (JsonNode existing : current) {
                    if (existing.get("id").asText().equals(itemId)) {
                        target = (ObjectNode) existing;
                    }
                }
                if (target == null) {
                    throw StripeError.invalid("items[0][id]", "No such subscription item: '" + itemId + "'");
                }
                ObjectNode price = find(change.path("price").asText(), "price");
                oldTotal += target.get("price").get("unit_amount").asLong();
                newTotal += price.get("unit_amount").asLong();
                newPrices.add(new ObjectNode[] {target, price});
            }
            String proration = p.path("proration_behavior").asText("create_prorations");
            long start = current.get(0).get("current_period_start").asLong();
            long end = current.get(0).get("current_period_end").asLong();
            double left = Math.max(0, Math.min(1, (end - stub.now()) / (double) (end - start)));
            long prorated = Math.round((newTotal - oldTotal) * left);
            ObjectNode inv = null;
            if (proration.equals("always_invoice") && prorated != 0) {
                ObjectNode customer = find(sub.get("customer").asText(), "customer");
                inv = newInvoice(sub.get("customer").asText(), customer);
                inv.put("billing_reason", "subscription_update");
                inv.put("collection_method", "charge_automatically");
                ObjectNode parent = inv.putObject("parent");
                parent.put("type", "subscription_details");
                parent.putObject("subscription_details").put("subscription", sub.get("id").asText()).putNull("metadata");
                ((ArrayNode) inv.get("lines").get("data")).add(line(inv, sub.get("id").asText(), prorated, "jpy",
                        "Proration for the remaining time", JsonNodeFactory.instance.objectNode(), sub.get("id").asText()));
                recompute(inv);
                stub.objects.put(inv.get("id").asText(), inv);
                finalizeInvoice(inv, key);
                previous.put("latest_invoice", sub.path("latest_invoice").asText(null));
                sub.put("latest_invoice", inv.get("id").asText());
            }
            boolean charge = inv != null && prorated > 0 && "active".equals(sub.get("status").asText());
            if (pendingIfIncomplete && charge) {
                // Stripe charges the invoice with the subscription's (else the customer's) default payment method and
                // applies the new items only if that payment succeeds; otherwise they wait in pending_update.
                JsonNode replaced = sub.get("pending_update"); // a new update replaces a pending one
                sub.putNull("pending_update");
                if (chargeInvoice(inv, sub, key)) {
                    previous.set("items", sub.get("items").deepCopy());
                    newPrices.forEach(change -> change[0].set("price", change[1].deepCopy()));
                    if (replaced != null && !replaced.isNull()) {
                        previous.set("pending_update", replaced);
                    }
                } else {
                    ObjectNode pending = JsonNodeFactory.instance.objectNode();
                    pending.putNull("billing_cycle_anchor");
                    pending.put("expires_at", stub.now() + PENDING_UPDATE_LIFETIME);
                    ArrayNode pendingItems = pending.putArray("subscription_items");
                    newPrices.forEach(change -> pendingItems.add(change[0].deepCopy().set("price", change[1].deepCopy())));
                    pending.putNull("trial_end");
                    pending.putNull("trial_from_plan");
                    previous.set("pending_update", replaced);
                    sub.set("pending_update", pending);
                }
            } else {
                previous.set("items", sub.get("items").deepCopy());
                newPrices.forEach(change -> change[0].set("price", change[1].deepCopy()));
                if (charge) {
                    markPaid(inv, key);
                }
            }
        }
        stub.emit("customer.subscription.updated", sub, previous, key);
        return sub;
    }

    /**
     * Charges an open subscription invoice off-session with the subscription's default payment method, else the
     * customer's: paid as {@link #markPaid}, or — declined, needing authentication or with no card — left open with
     * a failed PaymentIntent, charge.failed, payment_intent.payment_failed and invoice.payment_failed.
     */
    private boolean chargeInvoice(ObjectNode inv, ObjectNode sub, String key) {
        String pm = sub.path("default_payment_method").asText(null);
        if (pm == null) {
            pm = find(inv.get("customer").asText(), "customer").path("invoice_settings").path("default_payment_method").asText(null);
        }
        String scenario = pm == null ? null : stub.cardScenario.getOrDefault(pm, VISA);
        if (paysLikeVisa(scenario)) {
            markPaid(inv, key);
            return true;
        }
        long amount = inv.get("total").asLong();
        ObjectNode pi = stub.fixture("payment_intent");
        String id = stub.newId("pi");
        pi.put("id", id);
        pi.put("client_secret", id + "_secret_" + stub.token(24));
        pi.put("created", stub.now());
        pi.put("amount", amount);
        pi.put("amount_received", 0);
        pi.put("currency", inv.get("currency").asText());
        pi.set("customer", inv.get("customer"));
        pi.putObject("metadata");
        pi.put("description", "Payment for Invoice");
        pi.put("payment_method", pm);
        pi.putNull("canceled_at");
        pi.putNull("next_action");
        pi.putNull("processing");
        pi.putNull("transfer_data");
        pi.putNull("payment_method_configuration_details");
        pi.putNull("latest_charge");
        pi.put("status", "requires_payment_method");
        ObjectNode error = pi.putObject("last_payment_error");
        error.put("type", "card_error");
        if (pm == null) {
            error.put("type", "invalid_request_error");
            error.put("code", "payment_intent_unexpected_state");
            error.put("message", "The customer has no default payment method to pay the invoice with.");
        } else if (AUTH_REQUIRED.equals(scenario)) {
            error.put("code", "authentication_required");
            error.put("decline_code", "authentication_required");
            error.put("message", "Your card was declined. This transaction requires authentication.");
        } else {
            error.put("code", "card_declined");
            error.put("decline_code", "generic_decline");
            error.put("message", "Your card was declined.");
        }
        stub.objects.put(id, pi);
        ObjectNode payment = stub.fixture("invoice_payment");
        String paymentId = stub.newId("inpay");
        payment.put("id", paymentId);
        payment.put("created", stub.now());
        payment.put("invoice", inv.get("id").asText());
        payment.put("amount_paid", 0);
        payment.put("amount_requested", amount);
        payment.put("currency", inv.get("currency").asText());
        payment.put("is_default", true);
        payment.put("livemode", false);
        payment.put("status", "open");
        payment.putObject("payment").put("type", "payment_intent").put("payment_intent", id);
        stub.objects.put(paymentId, payment);
        inv.put("attempted", true);
        inv.put("attempt_count", inv.get("attempt_count").asInt() + 1);
        stub.emit("payment_intent.payment_failed", pi, null, key);
        stub.emit("invoice.payment_failed", inv, null, key);
        return false;
    }

    private JsonNode cancelSubscription(ObjectNode sub, String key) {
        sub.put("status", "canceled");
        sub.put("canceled_at", stub.now());
        sub.put("ended_at", stub.now());
        stub.emit("customer.subscription.deleted", sub, null, key);
        return sub.deepCopy();
    }

    // ---------------------------------------------------------------- refunds and disputes

    private JsonNode createRefund(ObjectNode p, String key) {
        String chargeId;
        if (p.has("payment_intent")) {
            ObjectNode pi = find(p.get("payment_intent").asText(), "payment_intent");
            chargeId = pi.path("latest_charge").asText(null);
            if (chargeId == null) {
                throw StripeError.invalid("payment_intent", "This PaymentIntent does not have a successful charge to refund.");
            }
        } else {
            chargeId = required(p, "charge");
        }
        ObjectNode charge = find(chargeId, "charge");
        long left = charge.get("amount").asLong() - charge.get("amount_refunded").asLong();
        long amount = p.has("amount") ? amount(p, "amount") : left;
        if (left == 0) {
            throw new StripeError(400, "invalid_request_error", "charge_already_refunded", null,
                    "Charge " + chargeId + " has already been refunded.", null);
        }
        if (amount <= 0 || amount > left) {
            throw new StripeError(400, "invalid_request_error", "amount_too_large",
                    null, "Refund amount (¥" + amount + ") is greater than unrefunded amount on charge (¥" + left + ")", "amount");
        }
        ObjectNode refund = stub.fixture("refund");
        String id = stub.newId("re");
        refund.put("id", id);
        refund.put("amount", amount);
        refund.put("currency", charge.get("currency").asText());
        refund.put("charge", chargeId);
        refund.put("created", stub.now());
        refund.set("payment_intent", charge.get("payment_intent"));
        refund.put("status", "succeeded");
        refund.set("metadata", metadata(p));
        if (p.has("reason")) {
            refund.put("reason", p.get("reason").asText());
        }
        stub.objects.put(id, refund);
        ObjectNode previous = JsonNodeFactory.instance.objectNode();
        previous.put("amount_refunded", charge.get("amount_refunded").asLong());
        charge.put("amount_refunded", charge.get("amount_refunded").asLong() + amount);
        charge.put("refunded", charge.get("amount_refunded").asLong() == charge.get("amount").asLong());
        ((ArrayNode) charge.get("refunds").get("data")).insert(0, refund.deepCopy());
        stub.emit("refund.created", refund, null, key);
        stub.emit("charge.refunded", charge, previous, key);
        JsonNode answer = refund.deepCopy();
        if (REFUND_FAIL.equals(stub.cardScenario.get(charge.path("payment_method").asText("")))) {
            failRefund(refund, charge);
        }
        return answer;
    }

    /**
     * What Stripe does with a refund of a 4000000000005126 card some time after it succeeded: the refund fails
     * ({@code failure_reason} expired_or_canceled_card), its amount goes back to the charge's unrefunded amount, and
     * {@code charge.refund.updated} and {@code refund.failed} are sent (the answer to the create call said
     * succeeded). The failure is stamped a second later than the refund (Stripe's are days later): billing tells by
     * the time whether a charge.refunded snapshot still counted the refund.
     */
    private void failRefund(ObjectNode refund, ObjectNode charge) {
        stub.passASecond();
        ObjectNode previous = JsonNodeFactory.instance.objectNode();
        previous.put("status", refund.get("status").asText());
        previous.putNull("failure_reason");
        refund.put("status", "failed");
        refund.put("failure_reason", "expired_or_canceled_card");
        charge.put("amount_refunded", charge.get("amount_refunded").asLong() - refund.get("amount").asLong());
        charge.put("refunded", false);
        ArrayNode listed = (ArrayNode) charge.get("refunds").get("data");
        for (int i = 0; i < listed.size(); i++) {
            if (listed.get(i).path("id").asText().equals(refund.get("id").asText())) {
                listed.set(i, refund.deepCopy());
            }
        }
        stub.emit("charge.refund.updated", refund, previous, null);
        stub.emit("refund.failed", refund, previous.deepCopy(), null);
    }

    private static boolean paysLikeVisa(String scenario) {
        return VISA.equals(scenario) || REFUND_FAIL.equals(scenario);
    }

    JsonNode refundFromDashboard(String paymentIntentId, long amount) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("payment_intent", paymentIntentId);
        p.put("amount", String.valueOf(amount));
        createRefund(p, null);
        String charge = find(paymentIntentId, "payment_intent").get("latest_charge").asText();
        List<JsonNode> refunded = stub.events("charge.refunded", charge);
        return refunded.get(refunded.size() - 1);
    }

    JsonNode dispute(String paymentIntentId) {
        ObjectNode pi = find(paymentIntentId, "payment_intent");
        ObjectNode charge = find(pi.get("latest_charge").asText(), "charge");
        ObjectNode dispute = stub.fixture("dispute");
        dispute.put("id", stub.newId("dp"));
        dispute.put("amount", charge.get("amount").asLong());
        dispute.put("currency", charge.get("currency").asText());
        dispute.put("charge", charge.get("id").asText());
        dispute.put("payment_intent", paymentIntentId);
        dispute.put("created", stub.now());
        dispute.put("reason", "fraudulent");
        dispute.put("status", "needs_response");
        dispute.set("metadata", JsonNodeFactory.instance.objectNode());
        dispute.set("balance_transactions", StripeStub.array());
        dispute.put("is_charge_refundable", false);
        ((ObjectNode) dispute.get("payment_method_details").get("card")).put("case_type", "chargeback");
        charge.put("disputed", true);
        stub.objects.put(dispute.get("id").asText(), dispute);
        return stub.emit("charge.dispute.created", dispute, null, null);
    }

    /** The network debits the disputed amount: a balance transaction (-amount) and charge.dispute.funds_withdrawn. */
    JsonNode withdrawDisputeFunds(String disputeId) {
        ObjectNode dispute = find(disputeId, "dispute");
        if (dispute.get("balance_transactions").size() > 0) {
            throw StripeError.invalid("dispute", "The funds of dispute " + disputeId + " were already withdrawn.");
        }
        ((ArrayNode) dispute.get("balance_transactions")).add(disputeTransaction(dispute, -dispute.get("amount").asLong(),
                "dispute", "Chargeback withdrawal for " + dispute.get("charge").asText()));
        return stub.emit("charge.dispute.funds_withdrawn", dispute, null, null);
    }

    /**
     * The dispute is decided: charge.dispute.closed with status won or lost; when won after a withdrawal, Stripe
     * then reinstates the funds (a +amount balance transaction, charge.dispute.funds_reinstated).
     */
    List<JsonNode> closeDispute(String disputeId, boolean won) {
        ObjectNode dispute = find(disputeId, "dispute");
        String status = dispute.get("status").asText();
        if (status.equals("won") || status.equals("lost")) {
            throw StripeError.invalid("dispute", "Dispute " + disputeId + " is already closed (" + status + ").");
        }
        ObjectNode previous = JsonNodeFactory.instance.objectNode();
        previous.put("status", status);
        dispute.put("status", won ? "won" : "lost");
        List<JsonNode> sent = new ArrayList<>();
        sent.add(stub.emit("charge.dispute.closed", dispute, previous, null));
        if (won && dispute.get("balance_transactions").size() > 0) {
            ((ArrayNode) dispute.get("balance_transactions")).add(disputeTransaction(dispute, dispute.get("amount").asLong(),
                    "dispute_reversal", "Chargeback reversal for " + dispute.get("charge").asText()));
            sent.add(stub.emit("charge.dispute.funds_reinstated", dispute, null, null));
        }
        return sent;
    }

    private ObjectNode disputeTransaction(ObjectNode dispute, long amount, String category, String description) {
        ObjectNode txn = stub.fixture("balance_transaction");
        txn.put("id", stub.newId("txn"));
        txn.put("amount", amount);
        txn.put("net", amount);
        txn.put("fee", 0);
        txn.set("fee_details", StripeStub.array());
        txn.put("currency", dispute.get("currency").asText());
        txn.put("created", stub.now());
        txn.put("available_on", stub.now());
        txn.put("type", "adjustment");
        txn.put("reporting_category", category);
        txn.put("description", description);
        txn.put("source", dispute.get("id").asText());
        txn.put("status", "available");
        return txn;
    }

    // ---------------------------------------------------------------- helpers

    private ObjectNode find(String id, String object) {
        ObjectNode o = stub.objects.get(id);
        if (o == null || !object.equals(o.path("object").asText())) {
            throw StripeError.missing(object, id);
        }
        return o;
    }

    private JsonNode get(String id, String object) {
        return find(id, object).deepCopy();
    }

    /** Applies {@code expand[]}: ids become objects; {@code confirmation_secret} is shown only when expanded. */
    private JsonNode render(JsonNode object, List<String> expand) {
        ObjectNode copy = object.deepCopy();
        strip(copy, expand, "");
        for (String path : expand) {
            expand(copy, path.split("\\."), 0, expand);
        }
        return copy;
    }

    private void strip(ObjectNode object, List<String> expand, String prefix) {
        if ("invoice".equals(object.path("object").asText()) && !expand.contains(prefix + "confirmation_secret")) {
            object.remove("confirmation_secret");
        }
    }

    private void expand(ObjectNode object, String[] path, int at, List<String> all) {
        if (at >= path.length) {
            return;
        }
        JsonNode child = object.get(path[at]);
        if (child != null && child.isTextual() && stub.objects.containsKey(child.asText())) {
            ObjectNode expanded = stub.objects.get(child.asText()).deepCopy();
            String prefix = String.join(".", java.util.Arrays.copyOfRange(path, 0, at + 1)) + ".";
            List<String> nested = all.stream().filter(e -> e.startsWith(prefix)).map(e -> e.substring(prefix.length())).toList();
            strip(expanded, nested, "");
            object.set(path[at], expanded);
            child = expanded;
        }
        if (child instanceof ObjectNode next) {
            expand(next, path, at + 1, all);
        }
    }

    private static ObjectNode metadata(ObjectNode p) {
        JsonNode m = p.get("metadata");
        return m instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    private static void text(ObjectNode target, ObjectNode p, String field) {
        if (p.has(field)) {
            target.put(field, p.get(field).asText());
        }
    }

    private static String required(ObjectNode p, String field) {
        JsonNode v = p.get(field);
        if (v == null || v.asText().isEmpty()) {
            throw StripeError.required(field);
        }
        return v.asText();
    }

    private static long amount(ObjectNode p, String field) {
        String raw = required(p, field);
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw StripeError.invalid(field, "Invalid integer: " + raw);
        }
    }

    private static String currency(ObjectNode p) {
        return required(p, "currency").toLowerCase();
    }

    /** Stripe's minimum charge (¥50 in yen, which is zero-decimal: amount 50) and maximum. */
    private static void minimum(long amount, String currency) {
        long min = 50;
        if (amount < min) {
            throw new StripeError(400, "invalid_request_error", "amount_too_small", null,
                    "Amount must be at least " + min + " " + currency, "amount");
        }
        if (currency.equals("jpy") && amount > 99_999_999) {
            throw new StripeError(400, "invalid_request_error", "amount_too_large", null,
                    "Amount must be no more than ¥99,999,999", "amount");
        }
    }

    private static boolean bool(ObjectNode p, String field) {
        return "true".equals(p.path(field).asText());
    }

    private static StripeError cardDeclined(String code, String declineCode, String message) {
        return new StripeError(402, "card_error", code, declineCode, message, null);
    }

    private static ObjectNode useStripeSdk() {
        ObjectNode next = JsonNodeFactory.instance.objectNode();
        next.put("type", "use_stripe_sdk");
        next.putObject("use_stripe_sdk").put("type", "three_d_secure_redirect");
        return next;
    }

    private String stubUrl(String path) {
        return stub.baseUrl() + path;
    }
}
