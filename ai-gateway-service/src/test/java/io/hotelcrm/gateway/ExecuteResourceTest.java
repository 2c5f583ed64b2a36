package io.hotelcrm.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class ExecuteResourceTest {

    @Test
    void theLocalChatbotAnswersFromTheFaqAndChargesTheFormula() {
        String tenant = tenant();
        execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(200)
                .body("execution.functionType", equalTo("chatbot"))
                .body("execution.executionId", notNullValue())
                .body("result.output", containsString("15:00"))
                .body("credits.creditsUsed", equalTo(2))
                .body("credits.remainingBalance", equalTo(498))
                .body("credits.costPerCredit", equalTo(10))
                .body("credits.totalCost", equalTo(20))
                .body("credits.calculation.formula", equalTo("ceil(2 × 1.00) = 2"))
                .body("billing.transactionId", notNullValue());
        assertThat(balance(tenant)).isEqualTo(498);
    }

    @Test
    void theForecastFollowsTheWeeklyPatternOfItsInput() {
        String tenant = tenant();
        List<Map<String, Object>> series = new ArrayList<>();
        LocalDate day = LocalDate.parse("2026-10-05"); // a Monday
        for (int i = 0; i < 28; i++, day = day.plusDays(1)) {
            int dow = day.getDayOfWeek().getValue(); // Saturday busiest, Sunday next, weekdays quiet
            series.add(Map.of("date", day.toString(), "value", (dow == 6 ? 95 : dow == 7 ? 75 : 60) + i * 0.1));
        }
        Map<String, Object> body = request("prediction", "来週の稼働率を予測してください", Map.of("series", series, "horizon", 7));
        JsonPath result = execute(tenant, body, null).then().statusCode(200)
                .body("result.output", containsString("土曜日"))
                .body("credits.creditsUsed", equalTo(8)) // ceil(8 × max(1, 28 rows / 100))
                .extract().jsonPath();
        List<Map<String, Object>> forecast = result.getList("result.additionalData.forecast");
        assertThat(forecast).hasSize(7);
        double saturday = value(forecast, "2026-11-07");
        double tuesday = value(forecast, "2026-11-03");
        assertThat(saturday).isGreaterThan(tuesday + 20);
        assertThat((Double) ((Number) forecast.get(0).get("lower")).doubleValue())
                .isLessThan(((Number) forecast.get(0).get("value")).doubleValue());
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyIsAnsweredFromTheFirstRunAndChargedOnce() {
        String tenant = tenant();
        String first = execute(tenant, chatbot("駐車場はありますか", null), "retry-1").then().statusCode(200)
                .extract().path("execution.executionId");
        execute(tenant, chatbot("駐車場はありますか", null), "retry-1").then().statusCode(200)
                .body("execution.executionId", equalTo(first)).body("credits.remainingBalance", equalTo(498));
        execute(tenant, chatbot("朝食の時間は", null), "retry-1").then().statusCode(409)
                .body("code", equalTo("IDEMPOTENCY_CONFLICT"));
        assertThat(balance(tenant)).isEqualTo(498);
    }

    @Test
    void aHundredConcurrentExecutesWithCreditsForFiftyNeverOverspend() throws Exception {
        String tenant = tenant();
        balance(tenant);
        // Pin 400 of the 500 free credits so exactly 100 (fifty runs of 2) remain.
        given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 400, "functionType", "CUSTOM", "idempotencyKey", "pin"))
                .post(CreditServiceResource.url + "/internal/v1/holds").then().statusCode(200);
        ExecutorService pool = Executors.newFixedThreadPool(25);
        List<Future<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(pool.submit(() -> execute(tenant, chatbot("Wi-Fiは使えますか", 1), null).statusCode()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> c : calls) {
            statuses.add(c.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(Collections.frequency(statuses, 200)).isEqualTo(50);
        assertThat(Collections.frequency(statuses, 402)).isEqualTo(50);
        assertThat(balance(tenant)).isZero();
    }

    @Test
    void theInsufficientCreditsProblemIsCreditServicesOwnWording() {
        String tenant = tenant();
        balance(tenant);
        given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 499, "functionType", "CUSTOM", "idempotencyKey", "pin"))
                .post(CreditServiceResource.url + "/internal/v1/holds").then().statusCode(200);
        JsonPath gateway = execute(tenant, chatbot("チェックインは何時ですか", 1), null).then().statusCode(402)
                .contentType("application/problem+json").extract().jsonPath();
        JsonPath credit = given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 2, "functionType", "CHATBOT", "idempotencyKey", "direct"))
                .post(CreditServiceResource.url + "/internal/v1/holds").then().statusCode(402).extract().jsonPath();
        for (String member : List.of("code", "title", "detail", "required", "available")) {
            assertThat(gateway.getString(member)).as(member).isEqualTo(credit.getString(member));
        }
        assertThat(gateway.getInt("available")).isEqualTo(1);
    }

    @Test
    void theHourlyLimitTripsExactlyAtItsNumber() {
        String tenant = tenant();
        Map<String, Object> body = request("prediction", "予測", Map.of("series", weekOfWeeks(), "horizon", 1));
        for (int i = 0; i < 20; i++) {
            execute(tenant, body, null).then().statusCode(200);
        }
        execute(tenant, body, null).then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("code", equalTo("RATE_LIMIT_EXCEEDED"))
                .body("title", equalTo("使用頻度制限に達しました"))
                .body("retryAfter", notNullValue());
        assertThat(balance(tenant)).isEqualTo(500 - 20 * 8);
    }

    @Test
    void badInputAndUnavailableFunctionsChargeNothing() {
        String tenant = tenant();
        execute(tenant, request("telepathy", "x", null), null).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        Map<String, Object> badModel = chatbot("チェックイン", null);
        ((Map<String, Object>) badModel.get("parameters")).put("model", "gpt-9-ultra");
        execute(tenant, badModel, null).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        execute(tenant, Map.of("functionType", "chatbot"), null).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        execute(tenant, chatbot("<script>alert(1)</script>", null), null).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED")); // nothing left once markup is stripped
        execute(tenant, request("prediction", "予測", Map.of("series", List.of())), null).then().statusCode(400);
        execute(tenant, request("custom", "要約して", null), null).then().statusCode(503)
                .body("code", equalTo("PROVIDER_UNAVAILABLE"));
        given().contentType(ContentType.JSON).body(chatbot("チェックイン", null)).post("/api/v1/ai/execute")
                .then().statusCode(401);
        assertThat(balance(tenant)).isEqualTo(500);
    }

    private static double value(List<Map<String, Object>> forecast, String date) {
        return forecast.stream().filter(p -> date.equals(p.get("date"))).findFirst()
                .map(p -> ((Number) p.get("value")).doubleValue()).orElseThrow();
    }

    private static List<Map<String, Object>> weekOfWeeks() {
        List<Map<String, Object>> series = new ArrayList<>();
        LocalDate day = LocalDate.parse("2026-10-05");
        for (int i = 0; i < 14; i++, day = day.plusDays(1)) {
            series.add(Map.of("date", day.toString(), "value", 50 + i));
        }
        return series;
    }

    static String tenant() {
        return "hotel-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static int balance(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get(CreditServiceResource.url + "/api/v1/credits/balance")
                .then().statusCode(200).extract().path("balance.currentBalance");
    }

    static Response execute(String tenant, Map<String, Object> body, String key) {
        var spec = given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON).body(body);
        if (key != null) {
            spec = spec.header("Idempotency-Key", key);
        }
        return spec.post("/api/v1/ai/execute");
    }

    static Map<String, Object> chatbot(String input, Integer maxTokens) {
        Map<String, Object> body = request("chatbot", input, null);
        if (maxTokens != null) {
            ((Map<String, Object>) body.get("parameters")).put("maxTokens", maxTokens);
        }
        return body;
    }

    static Map<String, Object> request(String function, String input, Object options) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("input", input);
        if (options != null) {
            parameters.put("customOptions", options);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("functionType", function);
        body.put("parameters", parameters);
        return body;
    }
}
