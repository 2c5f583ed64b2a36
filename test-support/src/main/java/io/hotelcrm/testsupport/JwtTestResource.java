package io.hotelcrm.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Makes the service under test trust {@link TestJwt}'s test-only key. */
public class JwtTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("mp.jwt.verify.publickey", TestJwt.publicKeyBase64(),
                "mp.jwt.verify.issuer", TestJwt.ISSUER,
                // The gateway signs its service tokens for credit-service with this (test-only) key.
                "smallrye.jwt.sign.key", TestJwt.privateKeyBase64());
    }

    @Override
    public void stop() {
    }
}
