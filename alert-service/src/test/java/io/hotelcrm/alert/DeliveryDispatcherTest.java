package io.hotelcrm.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(LocalReceiverResource.class)
class DeliveryDispatcherTest extends AlertTestSupport {

    final LocalReceiver slack = LocalReceiver.shared();

    @Test
    void slackAnswering500IsRetriedAndDoesNotDelayTheEmail() {
        String tenant = tenant();
        String manager = address("manager", tenant);
        String slackPath = "/slack/" + tenant;
        slack.failNext(slackPath, 2);
        channels(tenant, List.of(manager), slack.url(slackPath), List.of());

        producer.send(balanceLow(tenant, UUID.randomUUID().toString(), "WARNING", 30, Instant.now()));

        await(() -> GreenMailInbox.of(manager), m -> m.size() == 1);
        List<LocalReceiver.Request> posts = await(() -> slack.requests(slackPath), r -> r.size() == 3);
        assertThat(posts).extracting(LocalReceiver.Request::answeredWith).containsExactly(500, 500, 200);
        assertThat(posts.get(2).body()).isEqualTo(posts.get(0).body()); // the same message, retried

        JsonPath sent = await(() -> deliveries(tenant, "SENT"), d -> d.getList("$").size() == 3);
        Map<String, Object> email = delivery(sent, "EMAIL");
        Map<String, Object> slackDelivery = delivery(sent, "SLACK");
        assertThat(email.get("attempts")).isEqualTo(1);
        assertThat(slackDelivery.get("attempts")).isEqualTo(3);
        assertThat((String) slackDelivery.get("lastError")).isNull();
        // the e-mail went out on its first attempt, before Slack's retries were through
        assertThat(Instant.parse((String) email.get("sentAt"))).isBefore(Instant.parse((String) slackDelivery.get("sentAt")));
    }

    @Test
    void aDeliveryThatKeepsFailingBecomesAVisibleDeadLetterAndCanBeRetried() {
        String tenant = tenant();
        String manager = address("manager", tenant);
        String slackPath = "/slack/" + tenant;
        slack.failNext(slackPath, Integer.MAX_VALUE);
        channels(tenant, List.of(manager), slack.url(slackPath), List.of());

        producer.send(balanceLow(tenant, UUID.randomUUID().toString(), "WARNING", 25, Instant.now()));

        JsonPath dead = await(() -> deliveries(tenant, "DEAD"), d -> d.getList("$").size() == 1);
        assertThat(dead.getString("[0].channel")).isEqualTo("SLACK");
        assertThat(dead.getInt("[0].attempts")).isEqualTo(4); // alert.delivery.max-attempts in %test
        assertThat(dead.getString("[0].lastError")).contains("Slack answered 500");
        assertThat(slack.requests(slackPath)).hasSize(4);
        await(() -> GreenMailInbox.of(manager), m -> m.size() == 1);

        String id = dead.getString("[0].id");
        given().auth().oauth2(TestJwt.staff(tenant)).post("/api/v1/alerts/deliveries/" + id + "/retry")
                .then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(TestJwt.admin(tenant())).post("/api/v1/alerts/deliveries/" + id + "/retry")
                .then().statusCode(404).body("code", equalTo("NOT_FOUND"));

        slack.failNext(slackPath, 0); // Slack is back
        given().auth().oauth2(TestJwt.admin(tenant)).post("/api/v1/alerts/deliveries/" + id + "/retry")
                .then().statusCode(200).body("status", equalTo("PENDING")).body("attempts", equalTo(0));
        JsonPath sent = await(() -> deliveries(tenant, "SENT"), d -> d.<String>getList("id").contains(id));
        assertThat(delivery(sent, "SLACK").get("attempts")).isEqualTo(1);
        assertThat(slack.requests(slackPath)).extracting(LocalReceiver.Request::answeredWith)
                .containsExactly(500, 500, 500, 500, 200);
        assertThat(deliveries(tenant, "DEAD").getList("$")).isEmpty();

        given().auth().oauth2(TestJwt.admin(tenant)).post("/api/v1/alerts/deliveries/" + id + "/retry")
                .then().statusCode(409).contentType("application/problem+json").body("code", equalTo("DELIVERY_NOT_DEAD"));
    }

    private static Map<String, Object> delivery(JsonPath list, String channel) {
        List<Map<String, Object>> all = list.getList("$");
        return all.stream().filter(d -> channel.equals(d.get("channel"))).findFirst().orElseThrow();
    }
}
