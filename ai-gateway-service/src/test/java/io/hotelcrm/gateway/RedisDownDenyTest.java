package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.chatbot;
import static io.hotelcrm.gateway.ExecuteResourceTest.execute;
import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redis unreachable with {@code gateway.limits.on-redis-failure=deny}: 503 with a code, nothing charged. */
@QuarkusTest
@TestProfile(RedisDownDenyTest.UnreachableRedisDenying.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class RedisDownDenyTest {

    public static class UnreachableRedisDenying implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + RedisDownTest.closedPort(),
                    "gateway.limits.on-redis-failure", "deny");
        }
    }

    @Test
    void executionsAreRefusedWithACodeAndNothingIsCharged() {
        RedisDownTest.assertRedisIsUnreachable();
        String tenant = tenant();
        execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("1"))
                .body("code", equalTo("RATE_LIMITER_UNAVAILABLE"))
                .body("title", equalTo("一時的に利用できません"));
        assertThat(AnomalyThresholdsTest.available(tenant)).isEqualTo(500);
    }
}
