package io.hotelcrm.credit.limits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API limits of credit-service against the real Redis: analytics (3 a minute here, 50 in production) and the
 * global group (6 here, 1,000 in production), per tenant and clock minute. The clock is pinned 10 s into a
 * minute, so Retry-After is exactly 50 and no request of a test falls into the next minute.
 */
@QuarkusTest
@TestProfile(ApiLimitsTest.SmallLimits.class)
@QuarkusTestResource(JwtTestResource.class)
class ApiLimitsTest {

    static final int ANALYTICS = 3;
    static final int GLOBAL = 6;

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("platform.api-limits.enabled", "true",
                    "platform.api-limits.groups.analytics.per-minute", String.valueOf(ANALYTICS),
                    "platform.api-limits.groups.global.per-minute", String.valueOf(GLOBAL));
        }
    }

    @Inject
    MutableClock clock;

    @Inject
    RedisDataSource redis;

    Instant minute;

    @BeforeEach
    void pinTheClockTenSecondsIntoAMinute() {
        minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        clock.set(minute.plusSeconds(10));
    }

    @AfterEach
    void followTheSystemClockAgain() {
        clock.reset();
    }

    @Test
    void analyticsAnswers429ExactlyPastItsNumberAndOnlyForThatTenant() {
        String tenant = tenant();
        for (int n = 1; n <= ANALYTICS; n++) {
            analytics(tenant).then().statusCode(200);
        }
        assertLimited(analytics(tenant), "analytics", ANALYTICS);
        // Another tenant, and the same tenant's other APIs (within the global number), are unaffected.
        analytics(tenant()).then().statusCode(200);
        balance(tenant).then().statusCode(200);
        // The next minute is a new window.
        clock.set(minute.plusSeconds(60));
        analytics(tenant).then().statusCode(200);
    }

    @Test
    void theGlobalLimitCountsEveryPublicRequestOfTheTenantInOneSharedKey() {
        String tenant = tenant();
        balance(tenant).then().statusCode(200);
        analytics(tenant).then().statusCode(200);
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/transactions").then().statusCode(200);
        for (int n = 4; n <= GLOBAL; n++) {
            balance(tenant).then().statusCode(200);
        }
        assertLimited(balance(tenant), "global", GLOBAL);
        // Its second analytics request is within the analytics number, but the global minute is full.
        assertLimited(analytics(tenant), "global", GLOBAL);
        balance(tenant()).then().statusCode(200);
    }

    @Test
    void internalCallsHealthMetricsAndOpenApiAreNeverCounted() {
        String tenant = tenant();
        for (int n = 1; n <= GLOBAL; n++) {
            balance(tenant).then().statusCode(200);
        }
        assertLimited(balance(tenant), "global", GLOBAL);
        // The gateway's hold API for the same tenant, and the platform's own paths, still answer.
        given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 2, "functionType", "CHATBOT", "idempotencyKey", "limits"))
                .post("/internal/v1/holds").then().statusCode(200);
        for (String path : new String[] {"/q/health/ready", "/q/metrics", "/q/openapi"}) {
            given().auth().oauth2(TestJwt.staff(tenant)).get(path).then().statusCode(200);
        }
        // An unauthenticated request is answered 401 by the security check, never counted for anybody.
        given().get("/api/v1/credits/balance").then().statusCode(401).body("code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void theCountersLiveInRedisPerTenantAndMinuteAndExpire() {
        String tenant = tenant();
        balance(tenant).then().statusCode(200);
        analytics(tenant).then().statusCode(200);
        long index = minute.toEpochMilli() / 60_000;
        String global = "api:rl:{" + tenant + "}:global:m:" + index;
        String analytics = "api:rl:{" + tenant + "}:analytics:m:" + index;
        assertThat(redis.value(Long.class).get(global)).isEqualTo(2);
        assertThat(redis.value(Long.class).get(analytics)).isEqualTo(1);
        assertThat(redis.key().pttl(global)).isBetween(60_000L, 120_000L);
        assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("dependency_up{dependency=\"redis\"} 1.0");
    }

    @Test
    void theOpenApiDocumentShowsThe429OfEveryLimitedOperationWithItsNumbers() {
        io.restassured.path.json.JsonPath doc = given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().jsonPath();
        assertThat(doc.getString("paths.'/api/v1/credits/analytics'.get.responses.'429'.description"))
                .contains("RATE_LIMIT_EXCEEDED").contains("analytics " + ANALYTICS + ", global " + GLOBAL);
        assertThat(doc.getString("paths.'/api/v1/credits/balance'.get.responses.'429'.description"))
                .contains("global " + GLOBAL).doesNotContain("analytics");
        assertThat(doc.getMap("paths.'/api/v1/credits/balance'.get.responses.'429'.headers")).containsKey("Retry-After");
        assertThat(doc.getMap("paths.'/internal/v1/holds'.post.responses")).doesNotContainKey("429");
    }

    static void assertLimited(Response response, String group, int limit) {
        response.then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", equalTo("50"))
                .body("code", equalTo("RATE_LIMIT_EXCEEDED"))
                .body("title", equalTo("使用頻度制限に達しました"))
                .body("status", equalTo(429))
                .body("retryAfter", equalTo(50))
                .body("scope", equalTo(group))
                .body("limit", equalTo(limit));
    }

    static Response analytics(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/analytics");
    }

    static Response balance(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance");
    }

    static String tenant() {
        return "hotel-rl-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
