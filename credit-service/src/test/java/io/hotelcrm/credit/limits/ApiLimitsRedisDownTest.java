package io.hotelcrm.credit.limits;

import static io.hotelcrm.credit.limits.ApiLimitsTest.analytics;
import static io.hotelcrm.credit.limits.ApiLimitsTest.balance;
import static io.hotelcrm.credit.limits.ApiLimitsTest.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.hotelcrm.testsupport.TestJwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Redis unreachable with {@code platform.api-limits.on-redis-failure=deny}: limited APIs answer 503
 * RATE_LIMITER_UNAVAILABLE with Retry-After, while credit-service stays ready (Redis is a wellness check only) and
 * its internal hold API, which no limit names, goes on. This service points at a closed port; the shared Redis keeps
 * running for everybody else.
 */
@QuarkusTest
@TestProfile(ApiLimitsRedisDownTest.UnreachableRedisDenying.class)
@QuarkusTestResource(JwtTestResource.class)
class ApiLimitsRedisDownTest {

    public static class UnreachableRedisDenying implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("platform.api-limits.enabled", "true",
                    "platform.api-limits.on-redis-failure", "deny",
                    "quarkus.redis.hosts", "redis://127.0.0.1:" + closedPort());
        }
    }

    @Test
    void limitedApisAnswer503WhileTheServiceStaysReady() {
        String tenant = tenant();
        // Before and after the probe notices: the same answer, from a failed call and from the probe's state.
        balance(tenant).then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", equalTo("1"))
                .body("code", equalTo("RATE_LIMITER_UNAVAILABLE"));
        Awaitility.await("the probe notices Redis is down").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    List<Map<String, Object>> checks = given().get("/q/health/well").then().statusCode(503)
                            .extract().path("checks");
                    assertThat(checks).anySatisfy(c -> {
                        assertThat(c.get("name")).isEqualTo("redis");
                        assertThat(c.get("status")).isEqualTo("DOWN");
                    });
                });
        analytics(tenant).then().statusCode(503).body("code", equalTo("RATE_LIMITER_UNAVAILABLE"))
                .body("title", equalTo("一時的に利用できません"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 2, "functionType", "CHATBOT", "idempotencyKey", "down"))
                .post("/internal/v1/holds").then().statusCode(200);
        assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("api_rate_limit_redis_failures_total")
                .contains("dependency_up{dependency=\"redis\"} 0.0");
    }

    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort(); // closed again when the profile is used: nothing listens there
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
