package io.hotelcrm.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Makes the service under test trust {@link TestJwt}'s test-only identity provider key, and gives the
 * gateway's side of service tokens: the gateway signs with its own test key under its own issuer, and
 * credit-service checks them with the matching public key.
 */
public class JwtTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Path keys;
        try {
            keys = TestJwt.writeGatewayKeys(Files.createTempDirectory("gateway-keys"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.of("mp.jwt.verify.publickey", TestJwt.publicKeyBase64(),
                "mp.jwt.verify.issuer", TestJwt.ISSUER,
                "smallrye.jwt.sign.key", TestJwt.gatewayPrivateKeyBase64(),
                "smallrye.jwt.new-token.issuer", TestJwt.SERVICE_ISSUER,
                "service-token.issuer", TestJwt.SERVICE_ISSUER,
                "service-token.public-key-locations", keys.resolve("gateway-public.pem").toString());
    }

    @Override
    public void stop() {
    }
}
