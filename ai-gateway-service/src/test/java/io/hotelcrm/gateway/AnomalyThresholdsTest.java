package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.chatbot;
import static io.hotelcrm.gateway.ExecuteResourceTest.execute;
import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.contracts.gateway.SecurityEventRaised;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.testsupport.EventRecorder;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The anomaly thresholds of application.properties (log above 70, block above 90) trip exactly there. This
 * profile weighs only the frequency signal and sets frequencyRatioMax to 101, so by the documented formula
 * the n-th request of an hour, for a tenant whose users make one request per hour, scores exactly n − 1.
 */
@QuarkusTest
@TestProfile(AnomalyThresholdsTest.FrequencyOnly.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class AnomalyThresholdsTest {

    public static class FrequencyOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.anomaly.weights.frequency", "1", "gateway.anomaly.weights.volume", "0",
                    "gateway.anomaly.weights.time-of-day", "0", "gateway.anomaly.frequency-ratio-max", "101",
                    "gateway.anomaly.min-baseline-executions", "20",
                    // its ~100 executions run in one pinned minute: the per-minute limit must not speak first
                    "gateway.limits.tenant-per-minute", "1000");
        }
    }

    static final int BASELINE_HOURS = 30;

    @Inject
    MutableClock clock;

    @Inject
    GatewayConfig config;

    @Inject
    AgroalDataSource db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @AfterEach
    void followTheSystemClockAgain() {
        clock.reset();
    }

    @Test
    void scoresAreLoggedAboveSeventyAndBlockedAboveNinetyExactly() throws Exception {
        int logAbove = config.anomaly().logAbove();
        int blockAbove = config.anomaly().blockAbove();
        String tenant = tenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(30, ChronoUnit.MINUTES);
        // The baseline: one request in each of the previous 30 hours, so the usual is 1 per user and hour.
        for (int k = BASELINE_HOURS; k >= 1; k--) {
            clock.set(now.minus(k, ChronoUnit.HOURS));
            execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(200);
        }
        clock.set(now);
        try (EventRecorder events = EventRecorder.start(kafka, Topics.GATEWAY_EVENTS)) {
            // Requests 1 .. blockAbove+1 score 0 .. blockAbove: all run.
            for (int n = 1; n <= blockAbove + 1; n++) {
                execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(200);
            }
            int balanceBefore = available(tenant);
            // The next scores blockAbove+1: refused before anything is reserved.
            execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(403)
                    .contentType("application/problem+json")
                    .body("code", equalTo("SUSPICIOUS_ACTIVITY"))
                    .body("title", equalTo("不審な利用が検知されました"))
                    .body("detail", containsString("クレジットは消費されていません"))
                    .body("score", equalTo(blockAbove + 1));
            assertThat(available(tenant)).isEqualTo(balanceBefore).isEqualTo(500 - 2 * (BASELINE_HOURS + blockAbove + 1));
            given().auth().oauth2(TestJwt.staff(tenant)).get(CreditServiceResource.url + "/api/v1/credits/balance")
                    .then().body("balance.heldCredits", equalTo(0));
            // The blocked request counts as an attempt this hour but not as an execution of later baselines.
            assertThat(activityThisHour(tenant, now)).containsExactly((long) blockAbove + 2, (long) blockAbove + 1);

            // Stored: every score above logAbove, LOGGED up to blockAbove, BLOCKED above.
            List<Object[]> stored = securityEvents(tenant);
            assertThat(stored).extracting(r -> r[0]).containsExactlyElementsOf(
                    IntStream.rangeClosed(logAbove + 1, blockAbove + 1).boxed().toList());
            assertThat(stored).extracting(r -> r[1]).containsOnly("LOGGED", "BLOCKED");
            assertThat(stored.stream().filter(r -> r[1].equals("BLOCKED")).map(r -> r[0]).toList())
                    .containsExactly(blockAbove + 1);

            // Published through the outbox, one SecurityEventRaised per stored event.
            int expected = blockAbove + 1 - logAbove;
            List<EventEnvelope> raised = events.awaitEnvelopes(e -> tenant.equals(e.tenantId())
                    && e.type().equals("SecurityEventRaised"), expected, Duration.ofSeconds(30));
            List<SecurityEventRaised> payloads = raised.stream()
                    .map(e -> e.dataAs(EventType.SecurityEventRaised, SecurityEventRaised.class)).toList();
            assertThat(payloads).hasSize(expected);
            assertThat(payloads.get(0).score()).isEqualTo(logAbove + 1);
            assertThat(payloads.get(0).action()).isEqualTo("LOGGED");
            assertThat(payloads.get(0).kind()).isEqualTo("ANOMALY");
            assertThat(payloads.get(0).userId()).isEqualTo("staff-" + tenant);
            assertThat(payloads.get(0).details()).containsEntry("requestsThisHour", String.valueOf(logAbove + 2))
                    .containsEntry("usualPerUserHour", "1.00");
            assertThat(payloads.get(expected - 1).action()).isEqualTo("BLOCKED");
        }

        // Rate limits come first: once the hourly chatbot limit is used up the answer is 429, not 403.
        long hourly = config.limits().hourly(io.hotelcrm.contracts.FunctionType.CHATBOT);
        for (long n = blockAbove + 3; n <= hourly; n++) {
            execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(403);
        }
        execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(429)
                .body("code", equalTo("RATE_LIMIT_EXCEEDED"));

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("ai_anomaly_score_count{function=\"CHATBOT\"")
                .contains("ai_anomaly_score_bucket{function=\"CHATBOT\",le=\"70.0\"")
                .contains("ai_security_events_total{action=\"BLOCKED\",kind=\"ANOMALY\"")
                .contains("ai_executions_total{function=\"CHATBOT\",outcome=\"blocked\"")
                .contains("ai_executions_total{function=\"CHATBOT\",outcome=\"rate_limited\"")
                .contains("ai_rate_limit_rejections_total{function=\"CHATBOT\",scope=\"user\"");
    }

    private List<Object[]> securityEvents(String tenant) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "select score, action from security_events where tenant_id = ? order by score")) {
            s.setString(1, tenant);
            List<Object[]> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Object[] {r.getInt(1), r.getString(2)});
                }
            }
            return rows;
        }
    }

    /** attempts and executions of the tenant's chatbot user in the hour of {@code at}. */
    private List<Long> activityThisHour(String tenant, Instant at) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "select attempts, executions from anomaly_activity where tenant_id = ? and hour_start = ?")) {
            s.setString(1, tenant);
            s.setTimestamp(2, java.sql.Timestamp.from(at.truncatedTo(ChronoUnit.HOURS)));
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                return List.of(r.getLong(1), r.getLong(2));
            }
        }
    }

    static int available(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get(CreditServiceResource.url + "/api/v1/credits/balance")
                .then().statusCode(200).extract().path("balance.currentBalance");
    }
}
