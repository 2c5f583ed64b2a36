package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.balance;
import static io.hotelcrm.gateway.ExecuteResourceTest.chatbot;
import static io.hotelcrm.gateway.ExecuteResourceTest.execute;
import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guide's API limits at the gateway, against the real Redis and a real credit-service (its packaged jar, with
 * the production limits): credit usage (5 executions a minute here, 100 in production) over every execution path,
 * and the global limit of 1,000 a minute, which the gateway and credit-service count in one key per tenant.
 */
@QuarkusTest
@TestProfile(ApiLimitsTest.Limits.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class ApiLimitsTest {

    static final int CREDIT_USAGE = 5;
    /** The production figure, as the packaged credit-service runs with it. */
    static final int GLOBAL = 1000;

    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("platform.api-limits.enabled", "true",
                    "platform.api-limits.groups.global.per-minute", String.valueOf(GLOBAL),
                    "gateway.limits.tenant-per-minute", String.valueOf(CREDIT_USAGE));
        }
    }

    @Inject
    MutableClock clock;

    @AfterEach
    void followTheSystemClockAgain() {
        clock.reset();
    }

    @Test
    void creditUsageCountsEveryExecutionPathAndAnswers429ExactlyPastItsNumber() {
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        clock.set(minute.plusSeconds(10));
        String tenant = tenant();
        for (int n = 1; n <= 3; n++) {
            execute(tenant, chatbot("チェックインは何時ですか", 1), null).then().statusCode(200);
        }
        for (int n = 4; n <= CREDIT_USAGE; n++) { // the OpenAI-protocol route consumes credits too
            given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                    .body(Map.of("model", "local", "messages", List.of(Map.of("role", "user", "content", "駐車場はありますか"))))
                    .post("/v1/chat/completions").then().statusCode(200);
        }
        int charged = balance(tenant);
        execute(tenant, chatbot("朝食は何時からですか", 1), null).then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("50"))
                .body("code", equalTo("RATE_LIMIT_EXCEEDED"))
                .body("title", equalTo("使用頻度制限に達しました"))
                .body("retryAfter", equalTo(50))
                .body("scope", equalTo("tenant"));
        assertThat(balance(tenant)).isEqualTo(charged); // refused before anything is reserved
        // Reading the function list is no credit usage; another tenant executes.
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/ai/functions").then().statusCode(200);
        execute(tenant(), chatbot("チェックインは何時ですか", 1), null).then().statusCode(200);
        clock.set(minute.plusSeconds(60));
        execute(tenant, chatbot("チェックインは何時ですか", 1), null).then().statusCode(200);
    }

    @Test
    void theGlobalLimitIsOneCounterPerTenantAcrossTheServices() throws Exception {
        for (int attempt = 1; ; attempt++) {
            long window = System.currentTimeMillis() / 60_000;
            String tenant = tenant();
            // Half of the number at the gateway, half at credit-service, in parallel: all served.
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> calls = new ArrayList<>();
            for (int n = 0; n < GLOBAL; n++) {
                boolean gateway = n % 2 == 0;
                calls.add(pool.submit(() -> (gateway ? functions(tenant) : creditBalance(tenant)).statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> c : calls) {
                statuses.add(c.get(120, TimeUnit.SECONDS));
            }
            pool.shutdown();
            Response gateway = functions(tenant);
            Response credit = creditBalance(tenant);
            if (System.currentTimeMillis() / 60_000 != window && attempt == 1) {
                continue; // a minute ended during the run, so its counts split: once more, from early in a minute
            }
            assertThat(statuses).containsOnly(200);
            for (Response refused : List.of(gateway, credit)) {
                refused.then().statusCode(429).contentType("application/problem+json")
                        .body("code", equalTo("RATE_LIMIT_EXCEEDED"))
                        .body("scope", equalTo("global"))
                        .body("limit", equalTo(GLOBAL));
                assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
            }
            functions(tenant()).then().statusCode(200);
            return;
        }
    }

    static Response functions(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/ai/functions");
    }

    static Response creditBalance(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get(CreditServiceResource.url + "/api/v1/credits/balance");
    }
}
