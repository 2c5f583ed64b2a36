package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.chatbot;
import static io.hotelcrm.gateway.ExecuteResourceTest.execute;
import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Redis unreachable with {@code gateway.limits.on-redis-failure=allow} (the default): the gateway stays ready
 * (degraded), executions go on and credit-service still enforces the credits. The gateway points at a closed port; the shared Redis keeps
 * running for everybody else.
 */
@QuarkusTest
@TestProfile(RedisDownTest.UnreachableRedis.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class RedisDownTest {

    public static class UnreachableRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + closedPort(),
                    "gateway.limits.on-redis-failure", "allow");
        }
    }

    @Test
    void executionsGoOnAndCreditsAreStillEnforced() {
        assertRedisIsUnreachable();
        String tenant = tenant();
        ExecuteResourceTest.balance(tenant);
        // Leave 4 credits: two chatbot answers of 2.
        given().auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 496, "functionType", "CUSTOM", "idempotencyKey", "pin"))
                .post(CreditServiceResource.url + "/internal/v1/holds").then().statusCode(200);
        execute(tenant, chatbot("チェックインは何時ですか", 1), null).then().statusCode(200)
                .body("credits.creditsUsed", equalTo(2)).body("credits.remainingBalance", equalTo(2));
        execute(tenant, chatbot("朝食の時間を教えてください", 1), null).then().statusCode(200)
                .body("credits.remainingBalance", equalTo(0));
        execute(tenant, chatbot("駐車場はありますか", 1), null).then().statusCode(402)
                .body("code", equalTo("INSUFFICIENT_CREDITS"));
        assertThat(AnomalyThresholdsTest.available(tenant)).isZero();
        assertThat(given().get("/q/metrics").then().extract().asString()).contains("ai_rate_limit_redis_failures_total");
    }

    /** Redis down makes the gateway degraded (wellness check, metric), never unready or not live. */
    static void assertRedisIsUnreachable() {
        Awaitility.await("the probe notices Redis is down").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    List<Map<String, Object>> checks = given().get("/q/health/well").then().statusCode(503)
                            .extract().path("checks");
                    assertThat(checks).anySatisfy(c -> {
                        assertThat(c.get("name")).isEqualTo("redis");
                        assertThat(c.get("status")).isEqualTo("DOWN");
                    });
                });
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/started").then().statusCode(200);
        assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("dependency_up{dependency=\"redis\"} 0.0");
    }

    /** A port nothing listens on: bound once to find it, then closed. */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
