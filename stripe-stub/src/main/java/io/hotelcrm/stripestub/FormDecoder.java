package io.hotelcrm.stripestub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes Stripe's form encoding into a JSON tree: {@code metadata[tenant_id]=x} becomes
 * {@code {"metadata":{"tenant_id":"x"}}}, {@code items[0][price]=p} an array of objects, {@code expand[]=a}
 * an array. Values stay strings, as Stripe receives them.
 */
final class FormDecoder {

    private FormDecoder() {
    }

    static ObjectNode decode(String form) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        if (form == null || form.isBlank()) {
            return root;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            put(root, path(key), value);
        }
        return root;
    }

    /** {@code a[b][0][]} → [a, b, 0, ""]. */
    static List<String> path(String key) {
        List<String> parts = new ArrayList<>();
        int open = key.indexOf('[');
        if (open < 0) {
            parts.add(key);
            return parts;
        }
        parts.add(key.substring(0, open));
        while (open >= 0) {
            int close = key.indexOf(']', open);
            if (close < 0) {
                throw new StripeError(400, "invalid_request_error", "parameter_invalid", null,
                        "Invalid parameter name: " + key, key);
            }
            parts.add(key.substring(open + 1, close));
            open = key.indexOf('[', close);
        }
        return parts;
    }

    private static void put(JsonNode container, List<String> path, String value) {
        JsonNode node = container;
        for (int i = 0; i < path.size(); i++) {
            String part = path.get(i);
            boolean last = i == path.size() - 1;
            String next = last ? null : path.get(i + 1);
            boolean nextIsArray = next != null && (next.isEmpty() || next.chars().allMatch(Character::isDigit));
            if (node instanceof ObjectNode object) {
                if (last) {
                    object.put(part, value);
                } else {
                    JsonNode child = object.get(part);
                    if (child == null) {
                        child = nextIsArray ? object.putArray(part) : object.putObject(part);
                    }
                    node = child;
                }
            } else if (node instanceof ArrayNode array) {
                int index = part.isEmpty() ? array.size() : Integer.parseInt(part);
                while (array.size() <= index) {
                    array.addNull();
                }
                if (last) {
                    array.set(index, value);
                } else {
                    JsonNode child = array.get(index);
                    if (child == null || child.isNull()) {
                        child = nextIsArray ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
                        array.set(index, child);
                    }
                    node = child;
                }
            }
        }
    }
}
