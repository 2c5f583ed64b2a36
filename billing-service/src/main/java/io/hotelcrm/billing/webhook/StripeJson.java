package io.hotelcrm.billing.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.stripe.model.Event;

/**
 * Fields of an event's data.object read from its JSON, for fields whose presence depends on the account's API
 * version (stripe-java's model follows one version): a charge's {@code invoice} and an invoice's
 * {@code payment_intent}/{@code charge} exist before 2025-03-31 only.
 */
final class StripeJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StripeJson() {
    }

    static JsonNode object(Event event) {
        String raw = event.getDataObjectDeserializer().getRawJson();
        try {
            return raw == null ? MissingNode.getInstance() : JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance(); // the signature was valid, so Stripe sent it; stripe-java read it already
        }
    }

    /** A string field, or null. */
    static String string(JsonNode o, String field) {
        JsonNode e = o.path(field);
        return e.isValueNode() && !e.isNull() ? e.asText() : null;
    }

    /** An expandable field: the id, whether Stripe sent the id or the expanded object. */
    static String id(JsonNode o, String field) {
        JsonNode e = o.path(field);
        return e.isObject() ? string(e, "id") : string(o, field);
    }
}
