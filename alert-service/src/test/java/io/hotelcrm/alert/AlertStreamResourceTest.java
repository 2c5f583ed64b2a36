package io.hotelcrm.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(LocalReceiverResource.class)
class AlertStreamResourceTest extends AlertTestSupport {

    @TestHTTPResource("/api/v1/alerts/stream")
    URI stream;

    @Test
    void aClientOfTenantASeesOnlyTheAlertsOfA() {
        String a = tenant();
        String b = tenant();
        try (SseClient clientA = new SseClient(stream, TestJwt.staff(a));
             SseClient clientB = new SseClient(stream, TestJwt.admin(b))) {
            await(() -> clientA.events("ready"), e -> e.size() == 1);
            await(() -> clientB.events("ready"), e -> e.size() == 1);

            producer.send(sentinel(b, 222));
            List<SseClient.Event> seenByB = await(() -> clientB.events("alert"), e -> e.size() == 1);
            producer.send(sentinel(a, 111));
            List<SseClient.Event> seenByA = await(() -> clientA.events("alert"), e -> e.size() == 1);

            JsonPath alertOfA = JsonPath.from(seenByA.get(0).data());
            assertThat(alertOfA.getString("message")).isEqualTo("クレジットが追加されました: 111 クレジット（残高 111 クレジット）");
            assertThat(alertOfA.getString("alertType")).isEqualTo("CREDITS_ADDED");
            assertThat(seenByA.get(0).id()).isEqualTo(alertOfA.getString("id"));
            assertThat(JsonPath.from(seenByB.get(0).data()).getString("message")).contains("222 クレジット");
            // B's alert was published before A's on the same stream; had A's client been given it, it would be here
            assertThat(clientA.events("alert")).hasSize(1);
            assertThat(clientB.events("alert")).hasSize(1);
            assertThat(alerts(a).<String>getList("items.id")).containsExactly(alertOfA.getString("id"));
        }
    }

    @Test
    void theStreamNeedsAToken() {
        given().accept("text/event-stream").get("/api/v1/alerts/stream")
                .then().statusCode(401).body("code", equalTo("UNAUTHORIZED"));
    }
}
