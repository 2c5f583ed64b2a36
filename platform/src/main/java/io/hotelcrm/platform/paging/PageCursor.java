package io.hotelcrm.platform.paging;

import io.hotelcrm.platform.problem.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The position after the last row of a page listed newest first ({@code order by created_at desc, id desc}):
 * the next page asks for rows with {@code (createdAt < at) or (createdAt = at and id < id)}. Clients see it
 * as an opaque URL-safe string.
 */
public record PageCursor(Instant at, UUID id) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((at + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** Parses a cursor from a client; anything this API did not issue is a 400. */
    public static PageCursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            return new PageCursor(Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
        } catch (RuntimeException e) {
            throw ApiException.validation("cursor is not one this API issued");
        }
    }
}
