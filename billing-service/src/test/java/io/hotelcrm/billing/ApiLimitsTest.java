package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.card;
import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.purchase;
import static io.hotelcrm.billing.BillingApi.stub;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API limits of billing-service against the real Redis and the Stripe stub: purchase (2 a minute here, 10 in
 * production) on POST /api/v1/credits/purchase, and the global group (4 here, 1,000 in production) over every
 * /api/v1 request, per tenant and clock minute. The clock is pinned 15 s into a minute: Retry-After is exactly 45.
 */
@QuarkusTest
@TestProfile(ApiLimitsTest.SmallLimits.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class ApiLimitsTest {

    static final int PURCHASE = 2;
    static final int GLOBAL = 4;

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("platform.api-limits.enabled", "true",
                    "platform.api-limits.groups.purchase.per-minute", String.valueOf(PURCHASE),
                    "platform.api-limits.groups.global.per-minute", String.valueOf(GLOBAL));
        }
    }

    @Inject
    MutableClock clock;
    @TestHTTPResource("/webhook/stripe")
    URL webhook;
    Instant minute;

    @BeforeEach
    void pinTheClockFifteenSecondsIntoAMinute() {
        stub().sendWebhooksTo(webhook.toString());
        minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        clock.set(minute.plusSeconds(15));
    }

    @AfterEach
    void followTheSystemClockAgain() {
        clock.reset();
    }

    @Test
    void purchasesAnswer429ExactlyPastTheirNumberBeforeStripeIsCalled() {
        String tenant = newTenant();
        for (int n = 1; n <= PURCHASE; n++) {
            buy(tenant).then().statusCode(200);
        }
        assertLimited(buy(tenant), "purchase", PURCHASE, 45);
        assertThat(paymentIntentsOf(tenant)).isEqualTo(PURCHASE);
        // Another tenant buys, and this tenant still reads its purchases (global: 3 of 4).
        buy(newTenant()).then().statusCode(200);
        purchases(tenant).then().statusCode(200);
        // The next minute is a new window.
        clock.set(minute.plusSeconds(60));
        buy(tenant).then().statusCode(200);
    }

    @Test
    void theGlobalLimitCountsEveryPublicRequestOfTheTenant() {
        String tenant = newTenant();
        buy(tenant).then().statusCode(200);
        for (int n = 2; n <= GLOBAL; n++) {
            purchases(tenant).then().statusCode(200);
        }
        assertLimited(purchases(tenant), "global", GLOBAL, 45);
        // Within the purchase number (1 of 2) but past the global one: refused, and Stripe never hears of it.
        assertLimited(buy(tenant), "global", GLOBAL, 45);
        assertThat(paymentIntentsOf(tenant)).isEqualTo(1);
        purchases(newTenant()).then().statusCode(200);
        // Health and metrics are never limited.
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .contains("api_rate_limit_rejections_total{group=\"global\"")
                .contains("api_rate_limit_rejections_total{group=\"purchase\"");
    }

    static void assertLimited(Response response, String group, int limit, int retryAfter) {
        response.then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", equalTo(String.valueOf(retryAfter)))
                .body("code", equalTo("RATE_LIMIT_EXCEEDED"))
                .body("title", equalTo("使用頻度制限に達しました"))
                .body("retryAfter", equalTo(retryAfter))
                .body("scope", equalTo(group))
                .body("limit", equalTo(limit));
    }

    static Response buy(String tenant) {
        return purchase(tenant, "k-" + UUID.randomUUID(), card("pkg-500", "pm_card_visa"));
    }

    static Response purchases(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/billing/purchases");
    }

    static long paymentIntentsOf(String tenant) {
        return stub().requests("POST", "/v1/payment_intents").stream()
                .filter(r -> r.params().path("metadata").path("tenant_id").asText().equals(tenant)).count();
    }
}
