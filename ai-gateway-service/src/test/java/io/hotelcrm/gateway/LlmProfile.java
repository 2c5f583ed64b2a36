package io.hotelcrm.gateway;

import io.hotelcrm.gateway.llm.OpenAiProtocolServerResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The gateway with an LLM configured: a local OpenAI-protocol server stands in for the provider. */
public class LlmProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OpenAiProtocolServerResource.class));
    }
}
