package io.hotelcrm.alert.limits;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * alert-service counts its public APIs in the global limit too (3 a minute here, 1,000 in production), against the
 * real Redis. The clock is pinned 20 s into a minute: Retry-After is exactly 40.
 */
@QuarkusTest
@TestProfile(ApiLimitsTest.SmallGlobal.class)
@QuarkusTestResource(JwtTestResource.class)
class ApiLimitsTest {

    static final int GLOBAL = 3;

    public static class SmallGlobal implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("platform.api-limits.enabled", "true",
                    "platform.api-limits.groups.global.per-minute", String.valueOf(GLOBAL));
        }
    }

    @Inject
    MutableClock clock;

    @AfterEach
    void followTheSystemClockAgain() {
        clock.reset();
    }

    @Test
    void theAlertApisCountInTheGlobalLimit() {
        clock.set(Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(20));
        String tenant = "hotel-rl-" + UUID.randomUUID().toString().substring(0, 8);
        alerts(tenant).then().statusCode(200);
        given().auth().oauth2(TestJwt.admin(tenant)).get("/api/v1/alerts/channels").then().statusCode(200);
        alerts(tenant).then().statusCode(200);
        alerts(tenant).then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", equalTo("40"))
                .body("code", equalTo("RATE_LIMIT_EXCEEDED"))
                .body("scope", equalTo("global"))
                .body("limit", equalTo(GLOBAL));
        alerts("hotel-rl-" + UUID.randomUUID().toString().substring(0, 8)).then().statusCode(200);
    }

    static Response alerts(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/alerts");
    }
}
