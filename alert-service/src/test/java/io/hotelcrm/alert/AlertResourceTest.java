package io.hotelcrm.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(LocalReceiverResource.class)
class AlertResourceTest extends AlertTestSupport {

    @Test
    void acknowledgingIsRecordedOnceAndFiltersTheLog() {
        String tenant = tenant();
        producer.send(sentinel(tenant, 10));
        producer.send(sentinel(tenant, 20));
        JsonPath log = awaitAlert(tenant, m -> m.contains(": 20 クレジット"));
        String id = log.getString("items[1].id"); // the 10-credit notice

        given().auth().oauth2(TestJwt.staff(tenant)).post("/api/v1/alerts/" + id + "/ack")
                .then().statusCode(200).body("acknowledgedBy", equalTo("staff-" + tenant));
        String first = alerts(tenant).getString("items[1].acknowledgedAt");
        given().auth().oauth2(TestJwt.admin(tenant)).post("/api/v1/alerts/" + id + "/ack")
                .then().statusCode(200).body("acknowledgedBy", equalTo("staff-" + tenant))
                .body("acknowledgedAt", equalTo(first));

        assertThat(given().auth().oauth2(TestJwt.staff(tenant)).queryParam("acknowledged", false).get("/api/v1/alerts")
                .then().statusCode(200).extract().jsonPath().<String>getList("items.message"))
                .containsExactly("クレジットが追加されました: 20 クレジット（残高 20 クレジット）");
        assertThat(given().auth().oauth2(TestJwt.staff(tenant)).queryParam("acknowledged", true).get("/api/v1/alerts")
                .then().statusCode(200).extract().jsonPath().<String>getList("items.id"))
                .containsExactly(id);
    }

    @Test
    void anotherTenantCannotAcknowledge() {
        String tenant = tenant();
        producer.send(sentinel(tenant, 30));
        String id = awaitAlert(tenant, m -> m.contains(": 30 クレジット")).getString("items[0].id");

        given().auth().oauth2(TestJwt.staff(tenant())).post("/api/v1/alerts/" + id + "/ack")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        given().auth().oauth2(TestJwt.staff(tenant)).post("/api/v1/alerts/not-a-uuid/ack")
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        assertThat(alerts(tenant).getString("items[0].acknowledgedAt")).isNull();
    }
}
