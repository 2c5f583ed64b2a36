package io.hotelcrm.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(LocalReceiverResource.class)
class ChannelResourceTest extends AlertTestSupport {

    static final String SLACK = "https://hooks.slack.com/services/T0000/B0000/test-only";

    @Test
    void anAdminSavesAndReadsTheChannels() {
        String tenant = tenant();
        given().auth().oauth2(TestJwt.admin(tenant)).get("/api/v1/alerts/channels")
                .then().statusCode(200).body("adminEmails.size()", equalTo(0)).body("updatedAt", equalTo(null));

        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(valid(tenant)).put("/api/v1/alerts/channels")
                .then().statusCode(200).body("slackWebhookUrl", equalTo(SLACK));

        JsonPath saved = read(tenant);
        assertThat(saved.<String>getList("adminEmails")).containsExactly(address("gm", tenant), address("it", tenant));
        assertThat(saved.<String>getList("mutedTypes")).containsExactly("CREDITS_ADDED");
        assertThat(saved.getString("slackChannel")).isEqualTo("#crm-alerts");
        assertThat(saved.getString("hotelName")).isEqualTo("ホテル東京ベイ");
        assertThat(saved.getString("updatedBy")).isEqualTo("admin-" + tenant);
    }

    @Test
    void badInputIsAProblemAndChangesNothing() {
        String tenant = tenant();
        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(valid(tenant)).put("/api/v1/alerts/channels").then().statusCode(200);
        String before = read(tenant).prettify();

        Map<String, Object> badEmail = valid(tenant);
        badEmail.put("adminEmails", List.of("not-an-address"));
        problem(tenant, badEmail, "adminEmails");

        Map<String, Object> duplicate = valid(tenant);
        duplicate.put("adminEmails", List.of(address("gm", tenant), address("gm", tenant).toUpperCase()));
        problem(tenant, duplicate, "adminEmails[1]");

        Map<String, Object> tooMany = valid(tenant);
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(address("staff" + i, tenant));
        }
        tooMany.put("adminEmails", eleven);
        problem(tenant, tooMany, "adminEmails");

        Map<String, Object> notSlack = valid(tenant);
        notSlack.put("slackWebhookUrl", "https://attacker.example/collect");
        problem(tenant, notSlack, "slackWebhookUrl");

        Map<String, Object> unknownType = valid(tenant);
        unknownType.put("mutedTypes", List.of("LOW_BALANCE", "EVERYTHING"));
        problem(tenant, unknownType, "mutedTypes[1]");

        Map<String, Object> badChannel = valid(tenant);
        badChannel.put("slackChannel", "crm alerts!");
        problem(tenant, badChannel, "slackChannel");

        Map<String, Object> missing = valid(tenant);
        missing.remove("adminEmails");
        problem(tenant, missing, "adminEmails");

        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON).body("{\"adminEmails\": ")
                .put("/api/v1/alerts/channels")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("MALFORMED_REQUEST"));

        assertThat(read(tenant).prettify()).isEqualTo(before);
    }

    @Test
    void onlyAdminsManageChannels() {
        String tenant = tenant();
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON).body(valid(tenant))
                .put("/api/v1/alerts/channels")
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/alerts/channels").then().statusCode(403);
        assertThat(read(tenant).getString("updatedAt")).isNull();
    }

    private static Map<String, Object> valid(String tenant) {
        Map<String, Object> body = new HashMap<>();
        body.put("adminEmails", List.of(address("gm", tenant), address("it", tenant)));
        body.put("slackWebhookUrl", SLACK);
        body.put("slackChannel", "#crm-alerts");
        body.put("mutedTypes", List.of("CREDITS_ADDED"));
        body.put("hotelName", "ホテル東京ベイ");
        return body;
    }

    private static JsonPath read(String tenant) {
        return given().auth().oauth2(TestJwt.admin(tenant)).get("/api/v1/alerts/channels")
                .then().statusCode(200).extract().jsonPath();
    }

    /** Expects 400 VALIDATION_FAILED naming a field that starts with {@code field}. */
    private static void problem(String tenant, Map<String, Object> body, String field) {
        JsonPath problem = given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON).body(body)
                .put("/api/v1/alerts/channels")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"))
                .extract().jsonPath();
        assertThat(problem.<String>getList("violations.field")).anyMatch(f -> f.startsWith(field));
    }
}
