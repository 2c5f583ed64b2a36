package io.hotelcrm.stripestub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Stripe's error object ({@code {"error":{type,code,decline_code,message,param}}}) with its HTTP status. */
final class StripeError extends RuntimeException {

    final int status;
    final String type;
    final String code;
    final String declineCode;
    final String param;
    JsonNode paymentIntent;

    StripeError(int status, String type, String code, String declineCode, String message, String param) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.declineCode = declineCode;
        this.param = param;
    }

    static StripeError missing(String what, String id) {
        return new StripeError(404, "invalid_request_error", "resource_missing", null,
                "No such " + what + ": '" + id + "'", "id");
    }

    static StripeError invalid(String param, String message) {
        return new StripeError(400, "invalid_request_error", "parameter_invalid", null, message, param);
    }

    static StripeError required(String param) {
        return new StripeError(400, "invalid_request_error", "parameter_missing", null,
                "Missing required param: " + param + ".", param);
    }

    StripeError withPaymentIntent(JsonNode pi) {
        this.paymentIntent = pi;
        return this;
    }

    ObjectNode body() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("type", type);
        if (code != null) {
            error.put("code", code);
        }
        if (declineCode != null) {
            error.put("decline_code", declineCode);
        }
        error.put("message", getMessage());
        if (param != null) {
            error.put("param", param);
        }
        if (paymentIntent != null) {
            error.set("payment_intent", paymentIntent);
        }
        error.put("request_log_url", "http://127.0.0.1/logs");
        return root;
    }
}
