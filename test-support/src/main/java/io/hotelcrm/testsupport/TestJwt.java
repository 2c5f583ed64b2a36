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
    /** The AI gateway's own issuer for the service tokens it signs (not the identity provider's). */
    public static final String SERVICE_ISSUER = "https://ai-gateway-service.aicredit.internal";
    private static final KeyPair KEYS = generate();
    /** The gateway's own key pair, apart from the identity provider's. */
    private static final KeyPair GATEWAY_KEYS = generate();

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

    /** A service token as the gateway signs it (its own key and issuer); services act for the tenant named in the request. */
    public static String service() {
        return Jwt.issuer(SERVICE_ISSUER).subject("ai-gateway-service").groups(Set.of("service")).expiresIn(3600)
                .sign(GATEWAY_KEYS.getPrivate());
    }

    /** A token with the gateway's key and issuer carrying any groups and tenant: public APIs must refuse it. */
    public static String gatewaySigned(String tenant, String role) {
        return Jwt.issuer(SERVICE_ISSUER).subject("ai-gateway-service").claim("tenant_id", tenant)
                .groups(Set.of(role)).expiresIn(3600).sign(GATEWAY_KEYS.getPrivate());
    }

    /** The identity provider's key and issuer claiming the service group: the internal API must refuse it. */
    public static String serviceFromIdentityProvider() {
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

    /** The gateway's private key as base64 PKCS#8, the form {@code smallrye.jwt.sign.key} accepts. */
    public static String gatewayPrivateKeyBase64() {
        return Base64.getEncoder().encodeToString(GATEWAY_KEYS.getPrivate().getEncoded());
    }

    /** The identity provider's public key as PEM, for services started as separate processes. */
    public static String publicKeyPem() {
        return pem("PUBLIC KEY", KEYS.getPublic().getEncoded());
    }

    /** The gateway's public key as PEM, the one credit-service checks service tokens with. */
    public static String gatewayPublicKeyPem() {
        return pem("PUBLIC KEY", GATEWAY_KEYS.getPublic().getEncoded());
    }

    /** The gateway's private key as PEM (PKCS#8), for a gateway started as a separate process. */
    public static String gatewayPrivateKeyPem() {
        return pem("PRIVATE KEY", GATEWAY_KEYS.getPrivate().getEncoded());
    }

    /** Writes the gateway's key pair as PEM files into {@code dir}: {@code gateway-public.pem}, {@code gateway-private.pem}. */
    public static java.nio.file.Path writeGatewayKeys(java.nio.file.Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(dir.resolve("gateway-public.pem"), gatewayPublicKeyPem());
            java.nio.file.Files.writeString(dir.resolve("gateway-private.pem"), gatewayPrivateKeyPem());
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
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
