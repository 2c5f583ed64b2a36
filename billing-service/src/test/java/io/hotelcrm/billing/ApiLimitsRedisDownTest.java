package io.hotelcrm.billing;

import static io.hotelcrm.billing.ApiLimitsTest.buy;
import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.stub;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Redis unreachable with {@code platform.api-limits.on-redis-failure=allow} (the default): purchases go on past the
 * number (nothing can count them) and billing-service stays ready, degraded. It points at a closed port; the
 * shared Redis keeps running for everybody else.
 */
@QuarkusTest
@TestProfile(ApiLimitsRedisDownTest.UnreachableRedisAllowing.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class ApiLimitsRedisDownTest {

    public static class UnreachableRedisAllowing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("platform.api-limits.enabled", "true",
                    "platform.api-limits.on-redis-failure", "allow",
                    "platform.api-limits.groups.purchase.per-minute", "1",
                    "quarkus.redis.hosts", "redis://127.0.0.1:" + closedPort());
        }
    }

    @TestHTTPResource("/webhook/stripe")
    URL webhook;

    @Test
    void purchasesGoOnAndTheServiceStaysReady() {
        stub().sendWebhooksTo(webhook.toString());
        String tenant = newTenant();
        buy(tenant).then().statusCode(200); // a failed call to Redis: allowed
        Awaitility.await("the probe notices Redis is down").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    List<Map<String, Object>> checks = given().get("/q/health/well").then().statusCode(503)
                            .extract().path("checks");
                    assertThat(checks).anySatisfy(c -> {
                        assertThat(c.get("name")).isEqualTo("redis");
                        assertThat(c.get("status")).isEqualTo("DOWN");
                    });
                });
        buy(tenant).then().statusCode(200); // Redis known down: allowed without trying
        buy(tenant).then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
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
