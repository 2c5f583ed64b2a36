package io.hotelcrm.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.contracts.credit.CreditsGranted;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestEventProducer;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class CreditEventsConsumerTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    TestEventProducer producer;

    @BeforeEach
    void connect() {
        producer = new TestEventProducer(kafka);
    }

    @AfterEach
    void disconnect() {
        producer.close();
    }

    @Test
    void theSameEventDeliveredTwiceIsAppliedOnce() {
        String tenant = tenant();
        EventEnvelope granted = grant(tenant, 300);
        EventEnvelope sentinel = grant(tenant, 7);

        producer.send(granted);
        producer.send(granted); // a redelivery: same envelope, same id
        producer.send(sentinel); // same key, same partition: handled after both copies

        List<String> messages = awaitMessages(tenant, 2);
        assertThat(messages).containsExactly(
                "クレジットが追加されました: 7 クレジット（残高 7 クレジット）",
                "クレジットが追加されました: 300 クレジット（残高 300 クレジット）");
    }

    @Test
    void aTenantSeesOnlyItsOwnAlerts() {
        String a = tenant();
        String b = tenant();
        producer.send(grant(b, 500));
        List<String> ids = awaitIds(b, 1);

        given().auth().oauth2(TestJwt.staff(a)).get("/api/v1/alerts")
                .then().statusCode(200).body("items.size()", equalTo(0));
        given().auth().oauth2(TestJwt.staff(a)).get("/api/v1/alerts/" + ids.get(0))
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        given().auth().oauth2(TestJwt.staff(b)).get("/api/v1/alerts/" + ids.get(0))
                .then().statusCode(200).body("alertType", equalTo("CREDITS_ADDED"));
    }

    @Test
    void alertsNeedAToken() {
        given().get("/api/v1/alerts").then().statusCode(401).body("code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void badQueryParametersAreProblems() {
        String token = TestJwt.staff(tenant());
        given().auth().oauth2(token).get("/api/v1/alerts/not-a-uuid")
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(token).queryParam("limit", 0).get("/api/v1/alerts")
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"))
                .body("violations[0].field", equalTo("limit"));
        given().auth().oauth2(token).queryParam("cursor", "forged").get("/api/v1/alerts")
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(token).queryParam("type", "NOPE").get("/api/v1/alerts")
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void aMalformedRecordDoesNotStopTheConsumer() {
        String tenant = tenant();
        producer.sendRaw(Topics.CREDIT_EVENTS, tenant, "{not json");
        producer.send(grant(tenant, 11));
        assertThat(awaitMessages(tenant, 1)).containsExactly("クレジットが追加されました: 11 クレジット（残高 11 クレジット）");
    }

    private static String tenant() {
        return "hotel-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static EventEnvelope grant(String tenant, long credits) {
        return EventEnvelope.wrap(EventType.CreditsGranted, tenant, Instant.now(),
                new CreditsGranted(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(), "PURCHASE", credits, credits, null, "pi_test"));
    }

    private List<String> awaitMessages(String tenant, int count) {
        return awaitAlerts(tenant, count).getList("items.message");
    }

    private List<String> awaitIds(String tenant, int count) {
        return awaitAlerts(tenant, count).getList("items.id");
    }

    private JsonPath awaitAlerts(String tenant, int count) {
        String token = TestJwt.staff(tenant);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                given().auth().oauth2(token).get("/api/v1/alerts").then().statusCode(200)
                        .extract().jsonPath().getList("items").size() >= count);
        return given().auth().oauth2(token).get("/api/v1/alerts").then().statusCode(200).extract().jsonPath();
    }
}
