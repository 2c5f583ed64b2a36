package io.hotelcrm.system;

import io.hotelcrm.testsupport.LocalBroker;
import io.hotelcrm.testsupport.TestJwt;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment a packaged service needs to run against the test stack: its test database, a broker, the
 * test identity provider's public key, and the gateway's own test key pair for service tokens.
 */
public final class ServiceEnv {

    private static final Map<String, String> DATABASES = Map.of(
            "credit-service", "credit", "ai-gateway-service", "gateway",
            "billing-service", "billing", "alert-service", "alert");

    private ServiceEnv() {
    }

    /** The service's database (and its role) on a server of its own; the shared server has {@code <name>_test}. */
    public static String database(String service) {
        return DATABASES.get(service);
    }

    /** A mutable map, so a test can add what only it needs. */
    public static Map<String, String> of(String service, LocalBroker kafka, Path publicKey) {
        String db = DATABASES.get(service);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DB_NAME", db + "_test");
        env.put("DB_USER", db);
        env.put("DB_PASSWORD", db);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("JWT_PUBLIC_KEY_LOCATION", publicKey.toAbsolutePath().toString());
        env.put("JWT_ISSUER", TestJwt.ISSUER);
        Path keys = TestJwt.writeGatewayKeys(publicKey.toAbsolutePath().getParent());
        env.put("JWT_SIGNING_KEY_LOCATION", keys.resolve("gateway-private.pem").toString());
        env.put("SERVICE_JWT_PUBLIC_KEY_LOCATIONS", keys.resolve("gateway-public.pem").toString());
        return env;
    }
}
