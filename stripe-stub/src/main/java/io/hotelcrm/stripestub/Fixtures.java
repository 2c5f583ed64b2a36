package io.hotelcrm.stripestub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Stripe's own fixture objects ({@code stripe/fixtures3.json}, MIT, from Stripe's OpenAPI repository).
 * Every object the stub answers with starts as a copy of the fixture of its type.
 */
final class Fixtures {

    private final JsonNode resources;

    Fixtures(ObjectMapper json) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/stripe/fixtures3.json")) {
            if (in == null) {
                throw new IllegalStateException("stripe/fixtures3.json is missing from the classpath");
            }
            resources = json.readTree(in).get("resources");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, mutable copy of the fixture of {@code type} (e.g. {@code payment_intent}). */
    ObjectNode copy(String type) {
        JsonNode fixture = resources.get(type);
        if (fixture == null) {
            throw new IllegalArgumentException("no Stripe fixture for " + type);
        }
        return fixture.deepCopy();
    }
}
