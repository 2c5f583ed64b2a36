package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.chatbot;
import static io.hotelcrm.gateway.ExecuteResourceTest.execute;
import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class FaqResourceTest {

    private static final String DEFAULT_CHECK_IN = "00000000-0000-0000-0000-000000000001";
    private static final String DEFAULT_PARKING = "00000000-0000-0000-0000-000000000002";

    @Test
    void anAdminManagesTheFaqAndTheChatbotAnswersFromIt() {
        String tenant = tenant();
        // A new tenant's FAQ is the defaults.
        admin(tenant).get("/api/v1/ai/faq").then().statusCode(200)
                .body("size()", equalTo(5)).body("source", not(hasItem("TENANT")));

        String id = admin(tenant).body(entry("ペットは同伴できますか", "小型犬に限り、1泊2,000円で同伴いただけます。"))
                .post("/api/v1/ai/faq").then().statusCode(201)
                .header("Location", containsString("/api/v1/ai/faq/"))
                .body("source", equalTo("TENANT")).body("overrides", nullValue())
                .extract().path("id");
        execute(tenant, chatbot("犬を連れて泊まれますか？ペット同伴は可能ですか", null), null).then().statusCode(200)
                .body("result.output", containsString("小型犬"))
                .body("result.additionalData.source", equalTo("TENANT"));

        admin(tenant).body(entry("ペットは同伴できますか", "申し訳ございませんが、ペットの同伴はお断りしております。"))
                .put("/api/v1/ai/faq/" + id).then().statusCode(200)
                .body("answer", containsString("お断り")).body("updatedAt", notNullValue());
        admin(tenant).get("/api/v1/ai/faq/" + id).then().statusCode(200).body("answer", containsString("お断り"));
        execute(tenant, chatbot("ペットは同伴できますか", null), null).then().statusCode(200)
                .body("result.output", containsString("お断り"));

        admin(tenant).delete("/api/v1/ai/faq/" + id).then().statusCode(204);
        admin(tenant).get("/api/v1/ai/faq/" + id).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        execute(tenant, chatbot("ペットは同伴できますか", null), null).then().statusCode(200)
                .body("result.additionalData.matched", equalTo(false));
    }

    @Test
    void aTenantsOwnAnswerToTheSameQuestionReplacesTheDefault() {
        String tenant = tenant();
        String id = admin(tenant).body(entry("チェックインは何時ですか", "当館のチェックインは14:00からでございます。"))
                .post("/api/v1/ai/faq").then().statusCode(201)
                .body("overrides", equalTo(DEFAULT_CHECK_IN)).extract().path("id");
        admin(tenant).get("/api/v1/ai/faq").then().statusCode(200)
                .body("id", not(hasItem(DEFAULT_CHECK_IN))).body("id[0]", equalTo(id));
        execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(200)
                .body("result.output", containsString("14:00"));
        // Other tenants keep the default answer.
        execute(tenant(), chatbot("チェックインは何時ですか", null), null).then().statusCode(200)
                .body("result.output", containsString("15:00"));

        // An explicit override of another default; a second override of the same default is refused.
        admin(tenant).body(entry("駐車場のご案内", "駐車場はございません。近隣のコインパーキングをご利用ください。", DEFAULT_PARKING))
                .post("/api/v1/ai/faq").then().statusCode(201).body("overrides", equalTo(DEFAULT_PARKING));
        execute(tenant, chatbot("駐車場はありますか", null), null).then().statusCode(200)
                .body("result.output", containsString("コインパーキング"));
        admin(tenant).body(entry("駐車場について", "別の答え", DEFAULT_PARKING)).post("/api/v1/ai/faq")
                .then().statusCode(409).body("code", equalTo("FAQ_ALREADY_OVERRIDDEN"));

        // Deleting the override brings the default back.
        admin(tenant).delete("/api/v1/ai/faq/" + id).then().statusCode(204);
        execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(200)
                .body("result.output", containsString("15:00"));
    }

    @Test
    void tenantsNeverSeeOrChangeEachOthersEntries() {
        String a = tenant();
        String b = tenant();
        String id = admin(a).body(entry("温泉はありますか", "最上階に天然温泉の大浴場がございます。"))
                .post("/api/v1/ai/faq").then().statusCode(201).extract().path("id");
        admin(b).get("/api/v1/ai/faq/" + id).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        admin(b).body(entry("温泉はありますか", "書き換え")).put("/api/v1/ai/faq/" + id).then().statusCode(404);
        admin(b).delete("/api/v1/ai/faq/" + id).then().statusCode(404);
        admin(b).get("/api/v1/ai/faq").then().statusCode(200).body("id", not(hasItem(id)));
        execute(b, chatbot("温泉はありますか", null), null).then().statusCode(200)
                .body("result.output", not(containsString("天然温泉")));
        admin(a).get("/api/v1/ai/faq/" + id).then().statusCode(200).body("answer", containsString("天然温泉"));
        execute(a, chatbot("温泉はありますか", null), null).then().statusCode(200)
                .body("result.output", containsString("天然温泉"));
    }

    @Test
    void badInputIsAProblemAndChangesNothing() {
        String tenant = tenant();
        admin(tenant).body(entry(" ", "答え")).post("/api/v1/ai/faq").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"));
        admin(tenant).body(entry("質問", "x".repeat(4001))).post("/api/v1/ai/faq").then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        admin(tenant).body(entry("質問<script>alert(1)</script>", "答え")).post("/api/v1/ai/faq").then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        admin(tenant).body(entry("質問", "答え", "not-a-uuid")).post("/api/v1/ai/faq").then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        admin(tenant).body(entry("質問", "答え", "00000000-0000-0000-0000-0000000000ff")).post("/api/v1/ai/faq")
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        admin(tenant).body("{\"question\": ").post("/api/v1/ai/faq").then().statusCode(400)
                .body("code", equalTo("MALFORMED_REQUEST"));
        // Defaults are shared and read-only.
        admin(tenant).body(entry("チェックインは何時からですか", "書き換え")).put("/api/v1/ai/faq/" + DEFAULT_CHECK_IN)
                .then().statusCode(409).body("code", equalTo("DEFAULT_FAQ_READ_ONLY"));
        admin(tenant).delete("/api/v1/ai/faq/" + DEFAULT_CHECK_IN).then().statusCode(409)
                .body("code", equalTo("DEFAULT_FAQ_READ_ONLY"));
        admin(tenant).get("/api/v1/ai/faq/not-an-id").then().statusCode(404);
        // Staff may ask the chatbot but not manage its knowledge; no token, no access.
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/ai/faq").then().statusCode(403)
                .body("code", equalTo("FORBIDDEN"));
        given().contentType(ContentType.JSON).body(entry("質問", "答え")).post("/api/v1/ai/faq").then().statusCode(401);

        admin(tenant).get("/api/v1/ai/faq").then().statusCode(200)
                .body("size()", equalTo(5)).body("source", not(hasItem("TENANT")));
        execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(200)
                .body("result.output", containsString("15:00"));
    }

    @Test
    void aRetriedCreateWithTheSameKeyAddsOneEntry() {
        String tenant = tenant();
        Map<String, Object> body = entry("レイトチェックアウトはできますか", "13:00まで1時間1,500円で承ります。");
        String first = admin(tenant).header("Idempotency-Key", "faq-1").body(body).post("/api/v1/ai/faq")
                .then().statusCode(201).extract().path("id");
        String again = admin(tenant).header("Idempotency-Key", "faq-1").body(body).post("/api/v1/ai/faq")
                .then().statusCode(201).extract().path("id");
        assertThat(again).isEqualTo(first);
        admin(tenant).header("Idempotency-Key", "faq-1").body(entry("レイトチェックアウトはできますか", "別の答え"))
                .post("/api/v1/ai/faq").then().statusCode(409).body("code", equalTo("IDEMPOTENCY_CONFLICT"));
        List<String> sources = admin(tenant).get("/api/v1/ai/faq").then().statusCode(200).extract().path("source");
        assertThat(sources.stream().filter("TENANT"::equals).count()).isEqualTo(1);
    }

    private static RequestSpecification admin(String tenant) {
        return given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON);
    }

    private static Map<String, Object> entry(String question, String answer) {
        return entry(question, answer, null);
    }

    private static Map<String, Object> entry(String question, String answer, String overrides) {
        Map<String, Object> body = new HashMap<>();
        body.put("question", question);
        body.put("answer", answer);
        if (overrides != null) {
            body.put("overrides", overrides);
        }
        return body;
    }
}
