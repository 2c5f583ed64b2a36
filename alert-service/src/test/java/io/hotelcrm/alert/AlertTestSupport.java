package io.hotelcrm.alert;

import static io.restassured.RestAssured.given;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.BalanceLow;
import io.hotelcrm.contracts.credit.CreditsGranted;
import io.hotelcrm.testsupport.TestEventProducer;
import io.hotelcrm.testsupport.TestJwt;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What the alert-service tests share: a Kafka producer, fresh tenants, and reading the API. */
abstract class AlertTestSupport {

    protected TestEventProducer producer;

    @BeforeEach
    void connect() {
        producer = new TestEventProducer(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @AfterEach
    void disconnect() {
        producer.close();
    }

    static String tenant() {
        return "hotel-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String address(String who, String tenant) {
        return who + "-" + tenant + "@hotel.test";
    }

    /** Saves the tenant's channels as its administrator. */
    static void channels(String tenant, List<String> emails, String slackUrl, List<String> muted) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("adminEmails", emails);
        body.put("slackWebhookUrl", slackUrl);
        body.put("mutedTypes", muted);
        body.put("hotelName", "テストホテル");
        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON).body(body)
                .put("/api/v1/alerts/channels").then().statusCode(200);
    }

    static EventEnvelope balanceLow(String tenant, String account, String severity, long available, Instant at) {
        return EventEnvelope.wrap(EventType.BalanceLow, tenant, at,
                new BalanceLow(account, severity, available, "CRITICAL".equals(severity) ? 10 : 50, false));
    }

    /** A CreditsGranted: an alert that follows the events before it on the tenant's partition. */
    static EventEnvelope sentinel(String tenant, long credits) {
        return EventEnvelope.wrap(EventType.CreditsGranted, tenant, Instant.now(),
                new CreditsGranted(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(), "BONUS", credits, credits, null, "test-sentinel"));
    }

    static JsonPath alerts(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).queryParam("limit", 100).get("/api/v1/alerts")
                .then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the tenant's alert log holds an alert matching {@code message}. */
    static JsonPath awaitAlert(String tenant, Predicate<String> message) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                alerts(tenant).<String>getList("items.message").stream().anyMatch(message));
        return alerts(tenant);
    }

    static JsonPath deliveries(String tenant, String status) {
        return given().auth().oauth2(TestJwt.admin(tenant)).queryParam("status", status).queryParam("limit", 100)
                .get("/api/v1/alerts/deliveries").then().statusCode(200).extract().jsonPath();
    }

    static <T> T await(java.util.concurrent.Callable<T> read, Predicate<T> done) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(read, done::test);
    }
}
