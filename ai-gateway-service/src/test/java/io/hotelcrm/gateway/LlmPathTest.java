package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.balance;
import static io.hotelcrm.gateway.ExecuteResourceTest.execute;
import static io.hotelcrm.gateway.ExecuteResourceTest.request;
import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.hotelcrm.llmstub.OpenAiProtocolServer;
import io.hotelcrm.gateway.llm.OpenAiProtocolServerResource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.contracts.gateway.ExecutionCompleted;
import io.hotelcrm.contracts.gateway.ExecutionFailed;
import io.hotelcrm.testsupport.EventRecorder;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The LLM path: langchain4j talks to a local server that speaks OpenAI's protocol. */
@QuarkusTest
@TestProfile(LlmProfile.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class LlmPathTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void customFillsItsTemplateAndTheLlmAnswerIsChargedByTokens() {
        String tenant = tenant();
        Map<String, Object> options = Map.of("system", "あなたはホテルのマーケティング担当です。",
                "template", "{{hotel}}の{{season}}向けキャンペーン文を作成: {{input}}",
                "variables", Map.of("hotel", "富士ビューホテル", "season", "冬"));
        String prompt = "富士ビューホテルの冬向けキャンペーン文を作成: 温泉と朝食を強調";
        execute(tenant, request("custom", "温泉と朝食を強調", options), null).then().statusCode(200)
                .body("result.output", equalTo(OpenAiProtocolServer.answerTo(prompt)))
                .body("execution.provider", equalTo("llm"))
                .body("execution.model", equalTo("gpt-4o-mini"))
                .body("credits.creditsUsed", equalTo(15)); // ceil(15 × max(1, tokens / 1000))
        JsonNode sent = last();
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.path("messages").get(1).path("content").asText()).isEqualTo(prompt);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(sent.path("max_tokens").asInt(sent.path("max_completion_tokens").asInt())).isEqualTo(1000);
        assertThat(balance(tenant)).isEqualTo(485);

        Map<String, Object> missing = Map.of("template", "{{hotel}}: {{input}}");
        execute(tenant, request("custom", "x", missing), null).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        assertThat(balance(tenant)).isEqualTo(485);
    }

    @Test
    void recommendationsSendTheGuidesSystemPromptWithTheCustomerData() {
        String tenant = tenant();
        Map<String, Object> data = Map.of("guests", List.of(Map.of("id", "g1", "stays", 5, "likes", "温泉")));
        execute(tenant, request("recommendation", "次回滞在のおすすめ", data), null).then().statusCode(200)
                .body("result.output", containsString("次回滞在のおすすめ"));
        JsonNode sent = last();
        assertThat(sent.path("messages").get(0).path("content").asText())
                .isEqualTo("あなたはホテルの顧客分析専門家です。顧客データを分析して、パーソナライズされた推薦を行ってください。");
        assertThat(sent.path("messages").get(1).path("content").asText()).contains("\"likes\":\"温泉\"");
    }

    @Test
    void aProviderRateLimitCostsTheMinimalChargeAndAnOutageOrEmptyQuotaCostsNothing() throws Exception {
        String tenant = tenant();
        try (EventRecorder events = EventRecorder.start(kafka, Topics.GATEWAY_EVENTS)) {
            execute(tenant, model("rate-limited"), null).then().statusCode(429)
                    .body("code", equalTo("PROVIDER_RATE_LIMITED"));
            assertThat(balance(tenant)).isEqualTo(499);
            execute(tenant, model("no-quota"), null).then().statusCode(503).body("code", equalTo("PROVIDER_UNAVAILABLE"));
            execute(tenant, model("down"), null).then().statusCode(503).body("code", equalTo("PROVIDER_UNAVAILABLE"));
            assertThat(balance(tenant)).isEqualTo(499);
            execute(tenant, model("gpt-4o"), null).then().statusCode(200);

            // Each execution is published once, through the outbox, with what it charged.
            List<EventEnvelope> published = events.awaitEnvelopes(e -> tenant.equals(e.tenantId()), 4, Duration.ofSeconds(30));
            List<ExecutionFailed> failed = published.stream().filter(e -> e.type().equals(EventType.ExecutionFailed.name()))
                    .map(e -> e.dataAs(EventType.ExecutionFailed, ExecutionFailed.class)).toList();
            assertThat(failed).extracting(ExecutionFailed::errorCode, ExecutionFailed::creditsCharged)
                    .containsExactlyInAnyOrder(tuple("PROVIDER_RATE_LIMITED", 1L), tuple("PROVIDER_UNAVAILABLE", 0L),
                            tuple("PROVIDER_UNAVAILABLE", 0L));
            ExecutionCompleted completed = published.stream()
                    .filter(e -> e.type().equals(EventType.ExecutionCompleted.name())).findFirst().orElseThrow()
                    .dataAs(EventType.ExecutionCompleted, ExecutionCompleted.class);
            assertThat(completed.model()).isEqualTo("gpt-4o");
            assertThat(completed.credits()).isEqualTo(2);
            assertThat(published).extracting(EventEnvelope::id).doesNotHaveDuplicates();
        }
    }

    @Test
    void theLocalModelStillAnswersFromTheFaqWhenAnLlmIsConfigured() {
        String tenant = tenant();
        Map<String, Object> body = request("chatbot", "チェックインは何時ですか", null);
        ((Map<String, Object>) body.get("parameters")).put("model", "local");
        execute(tenant, body, null).then().statusCode(200).body("result.output", containsString("15:00"))
                .body("execution.provider", equalTo("local"));
    }

    /** langchain4j's own OpenAI client, pointed at the gateway's /v1 with a staff JWT as its key. */
    @Test
    void langchain4jsOpenAiClientTalksToTheGatewayAndTheTenantPays() throws Exception {
        String tenant = tenant();
        String gateway = "http://127.0.0.1:" + RestAssured.port + "/v1";
        ChatModel model = OpenAiChatModel.builder().baseUrl(gateway).apiKey(TestJwt.staff(tenant))
                .modelName("gpt-4o-mini").maxRetries(0).build();
        assertThat(model.chat("朝食は何時からですか")).isEqualTo(OpenAiProtocolServer.answerTo("朝食は何時からですか"));
        assertThat(balance(tenant)).isEqualTo(498);

        StreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(gateway)
                .apiKey(TestJwt.staff(tenant)).modelName("gpt-4o-mini").build();
        StringBuilder pieces = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(List.of(UserMessage.from("駐車場はありますか")), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String piece) {
                pieces.append(piece);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(60, TimeUnit.SECONDS);
        assertThat(pieces.toString()).isEqualTo(OpenAiProtocolServer.answerTo("駐車場はありますか"));
        assertThat(response.tokenUsage().totalTokenCount()).isPositive();
        assertThat(last().path("stream").asBoolean()).isTrue(); // streamed through to the provider
        assertThat(balance(tenant)).isEqualTo(496);
    }

    private static Map<String, Object> model(String name) {
        Map<String, Object> body = request("chatbot", "こんにちは", null);
        ((Map<String, Object>) body.get("parameters")).put("model", name);
        return body;
    }

    private static JsonNode last() {
        List<JsonNode> requests = OpenAiProtocolServerResource.server.requests;
        return requests.get(requests.size() - 1);
    }
}
