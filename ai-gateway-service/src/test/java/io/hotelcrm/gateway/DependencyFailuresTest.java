package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.balance;
import static io.hotelcrm.gateway.ExecuteResourceTest.chatbot;
import static io.hotelcrm.gateway.ExecuteResourceTest.execute;
import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.gateway.credit.CreditLedger;
import io.hotelcrm.llmstub.OpenAiProtocolServer;
import io.hotelcrm.gateway.llm.OpenAiProtocolServerResource;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every dependency failing in the ways production sees (down, stalled, restarting): each answer is a 503
 * with Retry-After and a stable code, never a 500, never a hang (the HTTP client gives up after 10 s, the
 * gateway's bound being 2 s here); the breaker opens and closes; nothing stays unsettled.
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class DependencyFailuresTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RestAssuredConfig BOUNDED = RestAssuredConfig.config().httpClient(HttpClientConfig
            .httpClientConfig().setParam("http.socket.timeout", 10_000).setParam("http.connection.timeout", 10_000));

    @BeforeEach
    @AfterEach
    void healthy() throws Exception {
        OpenAiProtocolServerResource.server.onRequest = () -> { };
        FaultsProfile.credit.restore();
        FaultsProfile.database.restore();
        CircuitBreakerMaintenance.get().resetAll();
    }

    @Test
    void aCreditServiceThatRefusesConnectionsIsA503WithRetryAfter() throws Exception {
        String tenant = tenant();
        balance(tenant);
        FaultsProfile.credit.refuse();
        unavailable(execute(tenant, chatbot("チェックインは何時ですか", null)), "CREDIT_SERVICE_UNAVAILABLE");
        unavailableInOpenAisShape(chat(tenant, "gpt-4o-mini"), "CREDIT_SERVICE_UNAVAILABLE");
        FaultsProfile.credit.restore();
        nothingStaysReserved(tenant, 500);
    }

    @Test
    void aStalledCreditServiceIsA503WithinTheCallTimeout() throws Exception {
        String tenant = tenant();
        balance(tenant);
        FaultsProfile.credit.stall();
        unavailable(execute(tenant, chatbot("チェックインは何時ですか", null)), "CREDIT_SERVICE_UNAVAILABLE")
                .body("detail", containsString("did not answer within 2000 ms"));
        FaultsProfile.credit.restore();
        nothingStaysReserved(tenant, 500);
    }

    @Test
    void theBreakerOpensOnADeadCreditServiceAndClosesWhenItIsBack() throws Exception {
        String tenant = tenant();
        FaultsProfile.credit.refuse();
        for (int i = 0; i < 4; i++) { // the breaker's window: 4 calls, half of them failing opens it
            unavailable(execute(tenant, chatbot("チェックインは何時ですか", null)), "CREDIT_SERVICE_UNAVAILABLE");
        }
        assertThat(CircuitBreakerMaintenance.get().currentState(CreditLedger.BREAKER)).isEqualTo(CircuitBreakerState.OPEN);
        unavailable(execute(tenant, chatbot("チェックインは何時ですか", null)), "CREDIT_SERVICE_UNAVAILABLE")
                .body("detail", containsString("circuit open"));
        assertThat(given().get("/q/metrics").then().extract().asString()).contains("ai_credit_service_breaker_open 1.0");

        FaultsProfile.credit.restore();
        // After the breaker's delay one call probes; its success closes the circuit.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> execute(tenant, chatbot("チェックインは何時ですか", null)).statusCode() == 200);
        assertThat(CircuitBreakerMaintenance.get().currentState(CreditLedger.BREAKER)).isEqualTo(CircuitBreakerState.CLOSED);
        nothingStaysReserved(tenant, 498);
    }

    @Test
    void aDatabaseThatIsDownIsA503WithRetryAfter() throws Exception {
        String tenant = tenant();
        balance(tenant);
        FaultsProfile.database.refuse();
        unavailable(execute(tenant, chatbot("チェックインは何時ですか", null)), "DATABASE_UNAVAILABLE");
        unavailableInOpenAisShape(chat(tenant, "gpt-4o-mini"), "DATABASE_UNAVAILABLE");
        FaultsProfile.database.restore();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> execute(tenant, chatbot("チェックインは何時ですか", null)).statusCode() == 200);
    }

    @Test
    void aStalledDatabaseIsA503WithinTheBound() throws Exception {
        String tenant = tenant();
        balance(tenant);
        FaultsProfile.database.stall();
        long started = System.nanoTime();
        unavailable(execute(tenant, chatbot("チェックインは何時ですか", null)), "DATABASE_UNAVAILABLE");
        unavailableInOpenAisShape(chat(tenant, "gpt-4o-mini"), "DATABASE_UNAVAILABLE");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        FaultsProfile.database.restore();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> execute(tenant, chatbot("チェックインは何時ですか", null)).statusCode() == 200);
        nothingStaysReserved(tenant, 500 - 2);
    }

    @Test
    void anLlmThatIsDownOrTooSlowIsA503WithRetryAfterAndChargesNothing() {
        String tenant = tenant();
        unavailable(execute(tenant, llm("down", "朝食は何時からですか")), "PROVIDER_UNAVAILABLE");
        unavailable(execute(tenant, llm("slow", "朝食は何時からですか")), "PROVIDER_UNAVAILABLE"); // 1 s to begin
        unavailableInOpenAisShape(chat(tenant, "slow"), "PROVIDER_UNAVAILABLE");
        assertThat(balance(tenant)).isEqualTo(500);
    }

    @Test
    void aCaptureCreditServiceDidNotTakeIsChargedByTheRecoveryJobAndAnsweredToItsKey() throws Exception {
        String tenant = tenant();
        String question = "チェックアウトの時間 " + UUID.randomUUID();
        // credit-service goes down while the engine works: the reservation was made, the capture fails.
        OpenAiProtocolServerResource.server.onRequest = () -> {
            try {
                FaultsProfile.credit.refuse();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        unavailable(execute(tenant, llm("gpt-4o-mini", question), "after-crash"), "CREDIT_SERVICE_UNAVAILABLE")
                .body("detail", containsString("same Idempotency-Key"));
        OpenAiProtocolServerResource.server.onRequest = () -> { };
        FaultsProfile.credit.restore();

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> execute(tenant, llm("gpt-4o-mini", question), "after-crash").statusCode() == 200);
        execute(tenant, llm("gpt-4o-mini", question), "after-crash").then().statusCode(200)
                .body("result.output", equalTo(OpenAiProtocolServer.answerTo(question)))
                .body("credits.creditsUsed", equalTo(2))
                .body("billing.transactionId", notNullValue());
        assertThat(balance(tenant)).isEqualTo(498);
        long runs = OpenAiProtocolServerResource.server.requests.stream()
                .filter(r -> r.toString().contains(question)).count();
        assertThat(runs).isEqualTo(1); // charged once, run once
    }

    @Test
    void anExecutionACrashLeftRunningIsReleasedAndItsKeyFreed() throws Exception {
        String tenant = tenant();
        balance(tenant);
        UUID id = UUID.randomUUID();
        // What a gateway that died between reserve and capture leaves: its row, and the hold at credit-service.
        given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 9, "functionType", "CHATBOT", "idempotencyKey", id.toString(),
                        "timeoutSeconds", 120, "userId", "staff-" + tenant))
                .post(CreditServiceResource.url + "/internal/v1/holds").then().statusCode(200);
        assertThat(balance(tenant)).isEqualTo(491);
        insertRunning(id, tenant, "crashed", Instant.now().minusSeconds(3600));

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> "FAILED".equals(status(id)));
        assertThat(balance(tenant)).isEqualTo(500); // the hold went back
        execute(tenant, chatbot("チェックインは何時ですか", null), "crashed").then().statusCode(200);
    }

    @Test
    void aKeyedResultIsStoredBeforeItIsChargedSoACrashAfterTheCaptureStillAnswersIt() throws Exception {
        String tenant = tenant();
        String question = "駐車場はありますか " + UUID.randomUUID();
        String key = "stored-first-" + UUID.randomUUID();
        // credit-service hangs once the engine has answered: the capture is in flight, as in a crash after it.
        OpenAiProtocolServerResource.server.onRequest = () -> FaultsProfile.credit.stall();
        CompletableFuture<Response> first = CompletableFuture.supplyAsync(
                () -> execute(tenant, llm("gpt-4o-mini", question), key));
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> row(tenant, key, "status, error_code, case when response is null then 'no result' "
                        + "else 'result' end").equals(List.of("CAPTURE_PENDING", "null", "result")));
        OpenAiProtocolServerResource.server.onRequest = () -> { };
        FaultsProfile.credit.restore();
        assertThat(first.get(15, TimeUnit.SECONDS).statusCode()).isIn(200, 503);

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> execute(tenant, llm("gpt-4o-mini", question), key).statusCode() == 200);
        execute(tenant, llm("gpt-4o-mini", question), key).then().statusCode(200)
                .body("result.output", equalTo(OpenAiProtocolServer.answerTo(question)))
                .body("credits.creditsUsed", equalTo(2));
        assertThat(balance(tenant)).isEqualTo(498);
        assertThat(OpenAiProtocolServerResource.server.requests.stream()
                .filter(r -> r.toString().contains(question)).count()).isEqualTo(1);
    }

    @Test
    void anUnkeyedExecutionThatDiedAfterItsCaptureIsRecordedWithWhatTheLedgerKept() throws Exception {
        String tenant = tenant();
        balance(tenant);
        UUID id = UUID.randomUUID();
        // What a gateway that died between the capture and COMPLETED leaves: its RUNNING row, a captured hold.
        String holdId = given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 9, "functionType", "CHATBOT", "idempotencyKey", id.toString(),
                        "timeoutSeconds", 120, "userId", "staff-" + tenant))
                .post(CreditServiceResource.url + "/internal/v1/holds").then().statusCode(200).extract().path("holdId");
        given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("amount", 4, "idempotencyKey", id + ":capture"))
                .post(CreditServiceResource.url + "/internal/v1/holds/" + holdId + "/capture").then().statusCode(200);
        assertThat(balance(tenant)).isEqualTo(496);
        insertRunning(id, tenant, null, Instant.now().minusSeconds(3600));

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> "FAILED".equals(status(id)));
        assertThat(row(id, "error_code, credits")).isEqualTo(List.of("INTERRUPTED", "4"));
        assertThat(balance(tenant)).isEqualTo(496); // what was captured stays charged, and is on the record
    }

    @Test
    void aBuiltInResultCreditServiceCouldNotChargeIsChargedByTheRecoveryJobAndAnsweredToItsKey() throws Exception {
        String tenant = tenant();
        balance(tenant);
        String key = "charged-later-" + UUID.randomUUID();
        // The built-in engine (this profile routes to the LLM unless the model is `local`) answers first and its
        // result is charged in one call; credit-service is down for it.
        FaultsProfile.credit.refuse();
        unavailable(execute(tenant, llm("local", "チェックインは何時ですか"), key), "CREDIT_SERVICE_UNAVAILABLE")
                .body("detail", containsString("same Idempotency-Key"));
        assertThat(row(tenant, key, "status, case when hold_id is null then 'no hold' else 'hold' end, "
                + "case when response is null then 'no result' else 'result' end"))
                .isEqualTo(List.of("CAPTURE_PENDING", "no hold", "result"));
        FaultsProfile.credit.restore();

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> execute(tenant, llm("local", "チェックインは何時ですか"), key).statusCode() == 200);
        execute(tenant, llm("local", "チェックインは何時ですか"), key).then().statusCode(200)
                .body("result.output", containsString("15:00"))
                .body("credits.creditsUsed", equalTo(2))
                .body("billing.transactionId", notNullValue());
        assertThat(balance(tenant)).isEqualTo(498); // charged once
    }

    @Test
    void anUnkeyedBuiltInResultWhoseChargeAnswerWasLostIsRecordedWithWhatTheLedgerKept() throws Exception {
        String tenant = tenant();
        balance(tenant);
        UUID id = UUID.randomUUID();
        // What a gateway that died after charging a built-in result at once leaves: its RUNNING row, a captured hold.
        given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("hold", Map.of("tenantId", tenant, "amount", 9, "functionType", "CHATBOT",
                                "idempotencyKey", id.toString(), "timeoutSeconds", 120, "userId", "staff-" + tenant),
                        "capture", Map.of("amount", 4, "idempotencyKey", id + ":capture")))
                .post(CreditServiceResource.url + "/internal/v1/holds/charge").then().statusCode(200);
        assertThat(balance(tenant)).isEqualTo(496);
        insertRunning(id, tenant, null, Instant.now().minusSeconds(3600));

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> "FAILED".equals(status(id)));
        assertThat(row(id, "error_code, credits")).isEqualTo(List.of("INTERRUPTED", "4"));
        assertThat(balance(tenant)).isEqualTo(496); // the replayed reservation found the charge, and kept it
    }

    @Test
    void aStreamThatOutlivesTheHoldTimeoutIsCutAndChargedForWhatItSent() throws Exception {
        String tenant = tenant();
        String question = "長い回答をください";
        String body = given().config(BOUNDED).auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .body(Map.of("model", "long-stream", "max_tokens", 4000, "stream", true,
                        "stream_options", Map.of("include_usage", true),
                        "messages", List.of(Map.of("role", "user", "content", question))))
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();
        StringBuilder text = new StringBuilder();
        JsonNode usage = null;
        for (String line : body.lines().filter(l -> l.startsWith("data: {")).toList()) {
            JsonNode chunk = JSON.readTree(line.substring(6));
            for (JsonNode choice : chunk.path("choices")) {
                text.append(choice.path("delta").path("content").asText(""));
            }
            if (chunk.has("aicredit")) {
                usage = chunk;
            }
        }
        assertThat(body).endsWith("data: [DONE]\n\n");
        assertThat(text.length()).isGreaterThan(0).isLessThan(100 * OpenAiProtocolServer.LONG_STREAM_PIECE.length());
        // Charged by the formula on what was sent (one token a character), although the 6 s hold timeout passed.
        double complexity = Math.round(Math.max(1.0, (question.length() + text.length()) / 1000.0) * 100) / 100.0;
        long expected = (long) Math.ceil(2 * complexity);
        assertThat(usage).isNotNull();
        assertThat(usage.path("aicredit").path("creditsUsed").asLong()).isEqualTo(expected);
        assertThat(balance(tenant)).isEqualTo(500 - expected);
    }

    /**
     * Reservations credit-service may have made without the gateway hearing the answer are replayed by key and
     * released by the recovery job: the balance comes back to what was charged.
     */
    private static void nothingStaysReserved(String tenant, int expected) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> balance(tenant) == expected);
    }

    private static io.restassured.response.ValidatableResponse unavailable(Response response, String code) {
        return response.then().log().ifValidationFails().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", notNullValue()).body("code", equalTo(code));
    }

    private static void unavailableInOpenAisShape(Response response, String code) {
        response.then().log().ifValidationFails().statusCode(503).header("Retry-After", notNullValue())
                .body("error.code", equalTo(code)).body("error.type", equalTo("server_error"));
    }

    private static Response execute(String tenant, Map<String, Object> body) {
        return execute(tenant, body, null);
    }

    private static Response execute(String tenant, Map<String, Object> body, String key) {
        var spec = given().config(BOUNDED).auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON).body(body);
        return (key == null ? spec : spec.header("Idempotency-Key", key)).post("/api/v1/ai/execute");
    }

    private static Response chat(String tenant, String model) {
        return given().config(BOUNDED).auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .body(Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", "朝食は何時からですか"))))
                .post("/v1/chat/completions");
    }

    private static Map<String, Object> llm(String model, String question) {
        Map<String, Object> body = chatbot(question, null);
        ((Map<String, Object>) body.get("parameters")).put("model", model);
        return body;
    }

    private static Connection database() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/gateway_test", "gateway", "gateway");
    }

    /** The row a gateway leaves when it dies mid-execution: RUNNING, reserved 9 credits for 120 s. */
    private static void insertRunning(UUID id, String tenant, String key, Instant created) throws Exception {
        try (Connection db = database(); PreparedStatement insert = db.prepareStatement("insert into ai_executions "
                + "(id, tenant_id, user_id, function_type, status, idempotency_key, request_hash, provider, model, "
                + "reserved_credits, hold_timeout_seconds, created_at) values (?, ?, ?, 'CHATBOT', 'RUNNING', ?, "
                + "'x', 'local', null, 9, 120, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, tenant);
            insert.setString(3, "staff-" + tenant);
            insert.setString(4, key);
            insert.setTimestamp(5, Timestamp.from(created));
            insert.executeUpdate();
        }
    }

    private static List<String> row(UUID id, String columns) throws Exception {
        return select("id = ?", columns, id);
    }

    private static List<String> row(String tenant, String key, String columns) throws Exception {
        return select("tenant_id = ? and idempotency_key = ?", columns, tenant, key);
    }

    /** The columns of the one matching execution, as text ("null" for SQL null); empty if there is none. */
    private static List<String> select(String where, String columns, Object... values) throws Exception {
        try (Connection db = database();
             PreparedStatement query = db.prepareStatement("select " + columns + " from ai_executions where " + where)) {
            for (int i = 0; i < values.length; i++) {
                query.setObject(i + 1, values[i]);
            }
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                List<String> found = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    found.add(String.valueOf(rs.getString(i)));
                }
                return found;
            }
        }
    }

    private static String status(UUID id) throws Exception {
        try (Connection db = database();
             PreparedStatement query = db.prepareStatement("select status from ai_executions where id = ?")) {
            query.setObject(1, id);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
