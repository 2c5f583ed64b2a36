package io.hotelcrm.testsupport;

import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;

/**
 * TEST-ONLY signing keys: a fresh RSA key pair per test JVM, never written to the repository.
 * {@link JwtTestResource} hands the public half to the service under test.
 */
public final class TestJwt {

    public static final String ISSUER = "https://auth.hotelcrm.local";
    private static final KeyPair KEYS = generate();

    private TestJwt() {
    }

    /** A token for {@code user} of {@code tenant} with one role (staff, admin or service). */
    public static String token(String tenant, String user, String role) {
        return Jwt.issuer(ISSUER)
                .subject(user)
                .claim("tenant_id", tenant)
                .groups(Set.of(role))
                .expiresIn(3600)
                .sign(KEYS.getPrivate());
    }

    public static String staff(String tenant) {
        return token(tenant, "staff-" + tenant, "staff");
    }

    public static String admin(String tenant) {
        return token(tenant, "admin-" + tenant, "admin");
    }

    /** A service token; services act for the tenant named in the request. */
    public static String service() {
        return Jwt.issuer(ISSUER).subject("ai-gateway-service").groups(Set.of("service")).expiresIn(3600)
                .sign(KEYS.getPrivate());
    }

    /** A well-formed token signed by a key the services do not trust. */
    public static String signedByStranger(String tenant) {
        return Jwt.issuer(ISSUER).subject("intruder").claim("tenant_id", tenant).groups(Set.of("admin"))
                .expiresIn(3600).sign(generate().getPrivate());
    }

    /** The public key as base64 DER, the form {@code mp.jwt.verify.publickey} accepts. */
    public static String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
    }

    /** The private key as base64 PKCS#8, the form {@code smallrye.jwt.sign.key} accepts. */
    public static String privateKeyBase64() {
        return Base64.getEncoder().encodeToString(KEYS.getPrivate().getEncoded());
    }

    /** The public key as PEM, for services started as separate processes. */
    public static String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(KEYS.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
