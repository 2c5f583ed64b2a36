package io.hotelcrm.gateway.llm;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.hotelcrm.llmstub.OpenAiProtocolServer;
import java.io.IOException;
import java.util.Map;

/** Points the gateway's LLM provider at a local {@link OpenAiProtocolServer}. */
public class OpenAiProtocolServerResource implements QuarkusTestResourceLifecycleManager {

    public static volatile OpenAiProtocolServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = OpenAiProtocolServer.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("gateway.llm.base-url", server.baseUrl(), "gateway.llm.api-key", OpenAiProtocolServer.TEST_KEY,
                "gateway.models.allowed", "local,gpt-4o-mini,gpt-4o,rate-limited,no-quota,down,slow,long-stream");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
