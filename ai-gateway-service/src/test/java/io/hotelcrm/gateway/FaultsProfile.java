package io.hotelcrm.gateway;

import io.hotelcrm.gateway.llm.OpenAiProtocolServerResource;
import io.hotelcrm.testsupport.TcpProxy;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The gateway with its dependencies behind fault injectors: credit-service and PostgreSQL through
 * {@link TcpProxy}s, an OpenAI-protocol server as the LLM provider. Short limits so the failures show
 * quickly: 2 s per credit-service call and per database step, a breaker of 4 calls that probes after 1 s,
 * 1 s for the LLM to begin, 6 s holds (a capture the recovery job makes after a fault still meets its
 * hold) and streams cut after 7 s, past the hold timeout.
 */
public class FaultsProfile implements QuarkusTestProfile {

    public static volatile TcpProxy credit;
    public static volatile TcpProxy database;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("gateway.credit-service.timeout", "2s",
                "gateway.database-timeout", "2s",
                "gateway.credit-service.breaker.request-volume", "4",
                "gateway.credit-service.breaker.delay", "1s",
                "gateway.llm.timeout", "1s",
                "gateway.hold-timeout-seconds", "6",
                "gateway.streams.max-duration", "7s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OpenAiProtocolServerResource.class),
                new TestResourceEntry(Proxies.class));
    }

    public static class Proxies implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                // credit-service is started by CreditServiceResource; its port is known when calls begin
                credit = TcpProxy.to(() -> URI.create(CreditServiceResource.url).getPort());
                database = TcpProxy.to(() -> 5432);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("quarkus.rest-client.credit.url", "http://127.0.0.1:" + credit.port(),
                    "db.port", String.valueOf(database.port()));
        }

        @Override
        public void stop() {
            try {
                credit.close();
                database.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
