package io.hotelcrm.gateway;

import io.hotelcrm.testsupport.ServiceProcess;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A real credit-service (its packaged jar) for the gateway to reserve and capture at. */
public class CreditServiceResource implements QuarkusTestResourceLifecycleManager {

    static volatile String url;
    private ServiceProcess credit;

    @Override
    public Map<String, String> start() {
        try {
            Path key = Files.createTempFile("jwt-public", ".pem");
            Files.writeString(key, TestJwt.publicKeyPem());
            Path gatewayKeys = TestJwt.writeGatewayKeys(Files.createTempDirectory("gateway-keys"));
            credit = ServiceProcess.start("credit-service", Map.of(
                    "DB_NAME", "credit_test", "DB_USER", "credit", "DB_PASSWORD", "credit",
                    "KAFKA_BOOTSTRAP_SERVERS", System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"),
                    "JWT_PUBLIC_KEY_LOCATION", key.toString(), "JWT_ISSUER", TestJwt.ISSUER,
                    // service tokens: the gateway's own test key pair and issuer
                    "SERVICE_JWT_PUBLIC_KEY_LOCATIONS", gatewayKeys.resolve("gateway-public.pem").toString(),
                    "SERVICE_JWT_ISSUER", TestJwt.SERVICE_ISSUER));
            credit.awaitReady(Duration.ofSeconds(90));
            url = credit.baseUrl();
            return Map.of("gateway.credit-service.url", url);
        } catch (Exception e) {
            throw new IllegalStateException("could not start credit-service", e);
        }
    }

    @Override
    public void stop() {
        try {
            if (credit != null) {
                credit.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
