package io.hotelcrm.alert.log;

import io.hotelcrm.platform.problem.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/** Opaque keyset cursor: the (createdAt, id) of the last alert of a page. */
public record AlertCursor(Instant createdAt, UUID id) {

    static AlertCursor of(AlertEntry last) {
        return new AlertCursor(last.createdAt, last.id);
    }

    public String encode() {
        String raw = createdAt.toString() + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses a cursor from a client; anything we did not issue is a 400. */
    public static AlertCursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            return new AlertCursor(Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
        } catch (RuntimeException e) {
            throw ApiException.validation("cursor is not one this API issued");
        }
    }
}
