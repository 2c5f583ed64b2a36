package io.hotelcrm.platform.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The fingerprint stored beside an idempotency key: a replay with the same key and the same content
 * gets the first result; the same key with other content is an IDEMPOTENCY_CONFLICT.
 */
public final class RequestHash {

    /** Keys are chosen by callers; keep them printable and bounded. */
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:@/-]{1,200}");

    private RequestHash() {
    }

    /** SHA-256 over the given parts, separated so that ("ab","c") and ("a","bc") differ. */
    public static String of(Object... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Object part : parts) {
                digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0x1f);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
