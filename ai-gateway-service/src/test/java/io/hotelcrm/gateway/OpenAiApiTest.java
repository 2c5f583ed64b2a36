package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.balance;
import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible API answered by the built-in engine (no LLM key configured). */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class OpenAiApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aChatCompletionIsAnsweredInOpenAisShapeAndCharged() {
        String tenant = tenant();
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .body(chat("gpt-4o-mini", "チェックインは何時ですか", false))
                .post("/v1/chat/completions").then().statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("id", startsWith("chatcmpl-"))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].message.content", containsString("15:00"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("usage.total_tokens", greaterThan(0))
                .body("aicredit.creditsUsed", equalTo(2))
                .body("aicredit.remainingBalance", equalTo(498));
        assertThat(balance(tenant)).isEqualTo(498);
    }

    @Test
    void aStreamedCompletionSendsChunksThenDoneAndIsChargedOnce() {
        String tenant = tenant();
        String body = given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .body(Map.of("model", "local", "messages", List.of(Map.of("role", "user", "content", "駐車場はありますか")),
                        "stream", true, "stream_options", Map.of("include_usage", true)))
                .post("/v1/chat/completions").then().statusCode(200)
                .contentType(startsWith("text/event-stream")).extract().asString();
        List<String> events = body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        JsonNode usage = null;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = read(event);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            for (JsonNode choice : chunk.path("choices")) {
                text.append(choice.path("delta").path("content").asText(""));
            }
            if (chunk.has("usage")) {
                usage = chunk;
            }
        }
        assertThat(text.toString()).contains("駐車場");
        assertThat(usage).isNotNull();
        assertThat(usage.path("aicredit").path("creditsUsed").asInt()).isEqualTo(2);
        assertThat(balance(tenant)).isEqualTo(498);
    }

    @Test
    void modelsAreListedWithTheEngineThatAnswersThem() {
        given().auth().oauth2(TestJwt.staff(tenant())).get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItems("local", "gpt-4o-mini"))
                .body("data.find { it.id == 'gpt-4o-mini' }.owned_by", equalTo("hotelcrm-local"));
    }

    @Test
    void errorsComeInOpenAisShapeWithTheGatewaysCodesAndChargeNothing() {
        String tenant = tenant();
        given().contentType(ContentType.JSON).body(chat("local", "こんにちは", false)).post("/v1/chat/completions")
                .then().statusCode(401);
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON).body("{not json")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .body(Map.of("model", "local", "messages", List.of(Map.of("role", "system", "content", "x"))))
                .post("/v1/chat/completions").then().statusCode(400).body("error.code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .body(chat("gpt-9-ultra", "チェックイン", false))
                .post("/v1/chat/completions").then().statusCode(400).body("error.code", equalTo("VALIDATION_FAILED"));
        assertThat(balance(tenant)).isEqualTo(500);
        // Pin all but one credit: the worst case of a chat (2 credits) cannot be reserved.
        given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 499, "functionType", "CUSTOM", "idempotencyKey", "pin"))
                .post(CreditServiceResource.url + "/internal/v1/holds").then().statusCode(200);
        for (boolean stream : new boolean[] {false, true}) {
            given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                    .body(chat("local", "チェックインは何時ですか", stream))
                    .post("/v1/chat/completions").then().statusCode(402)
                    .contentType(startsWith("application/json"))
                    .body("error.code", equalTo("INSUFFICIENT_CREDITS"));
        }
        assertThat(balance(tenant)).isEqualTo(1);
    }

    /** The official openai npm client, unchanged, pointed at the gateway: answers, streams, and pays. */
    @Test
    void theOfficialOpenAiNodeClientWorksUnchanged() throws Exception {
        String tenant = tenant();
        Path node = Path.of("src/test/node").toAbsolutePath();
        if (!Files.isDirectory(node.resolve("node_modules/openai"))) {
            run(node, "npm", "ci", "--no-audit", "--no-fund");
        }
        String output = run(node, "node", "chat.mjs", "http://127.0.0.1:" + RestAssured.port + "/v1",
                TestJwt.staff(tenant), "gpt-4o-mini", "チェックインは何時ですか");
        JsonNode result = read(output.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(result.path("models").toString()).contains("local", "gpt-4o-mini");
        assertThat(result.path("answer").asText()).contains("15:00");
        assertThat(result.path("usage").path("total_tokens").asInt()).isPositive();
        assertThat(result.path("streamed").asText()).isEqualTo(result.path("answer").asText());
        assertThat(result.path("streamUsage").path("total_tokens").asInt()).isPositive();
        assertThat(result.path("responseText").asText()).isEqualTo(result.path("answer").asText());
        assertThat(result.path("responseUsage").path("total_tokens").asInt()).isPositive();
        assertThat(result.path("responseStreamed").asText()).isEqualTo(result.path("answer").asText());
        assertThat(result.path("responseCompletedText").asText()).isEqualTo(result.path("answer").asText());
        assertThat(result.path("responseCompletedUsage").path("output_tokens").asInt()).isPositive();
        assertThat(result.path("responseEvents").toString()).startsWith("[\"response.created\"")
                .contains("response.output_text.delta", "response.output_item.done").endsWith("\"response.completed\"]");
        assertThat(result.path("error").path("status").asInt()).isEqualTo(400);
        assertThat(result.path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
        // four answered calls (chat and responses, each plain and streamed), the refused one is free
        assertThat(balance(tenant)).isEqualTo(500 - 4 * 2);
    }

    @Test
    void aResponseIsAnsweredInTheResponsesShapeAndCharged() {
        String tenant = tenant();
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .body(Map.of("model", "local", "instructions", "丁寧に答えてください", "input", "チェックインは何時ですか"))
                .post("/v1/responses").then().statusCode(200)
                .body("object", equalTo("response"))
                .body("id", startsWith("resp_"))
                .body("status", equalTo("completed"))
                .body("output[0].type", equalTo("message"))
                .body("output[0].role", equalTo("assistant"))
                .body("output[0].content[0].type", equalTo("output_text"))
                .body("output[0].content[0].text", containsString("15:00"))
                .body("usage.total_tokens", greaterThan(0))
                .body("aicredit.creditsUsed", equalTo(2));
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .body(Map.of("model", "local", "input", List.of(Map.of("type", "function_call_output", "output", "x"))))
                .post("/v1/responses").then().statusCode(400).body("error.code", equalTo("VALIDATION_FAILED"));
        assertThat(balance(tenant)).isEqualTo(498);
    }

    private static String run(Path dir, String... command) throws Exception {
        File log = Files.createTempFile("node", ".log").toFile();
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log).start();
        // npm retries a stalled download after 30 s (src/test/node/.npmrc), so five minutes covers several retries.
        boolean done = process.waitFor(300, TimeUnit.SECONDS);
        if (!done) {
            process.destroyForcibly();
        }
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertThat(done).as("%s timed out: %s", List.of(command), output).isTrue();
        assertThat(process.exitValue()).as("%s failed: %s", List.of(command), output).isZero();
        return output;
    }

    private static Map<String, Object> chat(String model, String question, boolean stream) {
        return Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", question)), "stream", stream);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
