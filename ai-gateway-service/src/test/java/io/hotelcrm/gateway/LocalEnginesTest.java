package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.balance;
import static io.hotelcrm.gateway.ExecuteResourceTest.chatbot;
import static io.hotelcrm.gateway.ExecuteResourceTest.execute;
import static io.hotelcrm.gateway.ExecuteResourceTest.request;
import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in engine's recommendation, analysis and FAQ retrieval, asserted on what they answer. */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class LocalEnginesTest {

    private static final List<Map<String, Object>> CATALOGUE = List.of(
            Map.of("itemId", "spa", "name", "スパトリートメント"),
            Map.of("itemId", "kaiseki", "name", "懐石ディナー"),
            Map.of("itemId", "wine", "name", "ワインテイスティング"),
            Map.of("itemId", "golf", "name", "ゴルフプラン"),
            Map.of("itemId", "kids", "name", "キッズプラン"));

    /** Spa-and-wine guests also book the kaiseki dinner; golfers book the kids' plan. */
    private static List<Map<String, Object>> history() {
        List<Map<String, Object>> rows = new ArrayList<>();
        String[][] guests = {
                {"G1", "spa", "kaiseki", "wine"}, {"G2", "spa", "kaiseki"}, {"G3", "spa", "kaiseki", "wine"},
                {"G4", "golf", "kids"}, {"G5", "golf", "kids"}, {"G6", "kids"}, {"T", "spa", "wine"}};
        for (String[] g : guests) {
            for (int i = 1; i < g.length; i++) {
                rows.add(Map.of("guestId", g[0], "itemId", g[i], "quantity", 1));
            }
        }
        return rows;
    }

    @Test
    void theItemThatSimilarGuestsBoughtIsRecommendedWithItsReason() {
        String tenant = tenant();
        JsonPath r = execute(tenant, request("recommendation", "ゲストTへのおすすめ",
                Map.of("guestId", "T", "history", history(), "items", CATALOGUE)), null)
                .then().statusCode(200)
                .body("result.output", containsString("懐石ディナー"))
                .body("result.additionalData.recommendations[0].itemId", equalTo("kaiseki"))
                .body("result.additionalData.recommendations[0].reason", containsString("似ている"))
                .body("result.additionalData.recommendations.itemId", not(org.hamcrest.Matchers.hasItem("golf")))
                .body("result.additionalData.recommendations.itemId", not(org.hamcrest.Matchers.hasItem("spa")))
                .body("credits.creditsUsed", equalTo(5)) // ceil(5 × max(1, 15 rows / 100))
                .body("billing.billableUnits", equalTo(15))
                .extract().jsonPath();
        // Every guest similar to T (G1, G2, G3 share spa or wine) had the kaiseki dinner.
        assertThat(r.getDouble("result.confidence")).isEqualTo(1.0);
        assertThat(r.getList("result.additionalData.similarGuests.guestId", String.class))
                .containsExactlyInAnyOrder("G1", "G2", "G3");
        assertThat(r.getList("result.additionalData.similarGuests.guestId", String.class).get(0)).isIn("G1", "G3");
        assertThat(balance(tenant)).isEqualTo(495);
    }

    @Test
    void itemsThatGoTogetherAndPopularItemsForAGuestWithoutHistory() {
        String tenant = tenant();
        execute(tenant, request("recommendation", "ゴルフプランと一緒に",
                Map.of("itemId", "golf", "history", history(), "items", CATALOGUE)), null)
                .then().statusCode(200)
                .body("result.additionalData.mode", equalTo("item"))
                .body("result.additionalData.recommendations[0].itemId", equalTo("kids"))
                .body("result.output", containsString("キッズプラン"));
        execute(tenant, request("recommendation", "新しいゲスト",
                Map.of("guestId", "NEW", "history", history(), "items", CATALOGUE)), null)
                .then().statusCode(200)
                .body("result.additionalData.mode", equalTo("popular"))
                .body("result.additionalData.recommendations[0].itemId", equalTo("spa")) // 4 of 7 guests
                .body("result.output", containsString("人気"));
    }

    @Test
    void recommendationWithoutHistoryIsRefusedAndCostsNothing() {
        String tenant = tenant();
        execute(tenant, request("recommendation", "おすすめ", Map.of("guestId", "T")), null)
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"));
        execute(tenant, request("recommendation", "おすすめ",
                Map.of("guestId", "T", "history", List.of(Map.of("guestId", "T", "itemId", "spa", "quantity", -1)))), null)
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        assertThat(balance(tenant)).isEqualTo(500);
    }

    private static Map<String, Object> member(String id, String lastVisit, int visits, int spend) {
        return Map.of("memberId", id, "lastVisit", lastVisit, "visits", visits, "totalSpend", spend);
    }

    @Test
    void rfmPutsTheRecentFrequentBigSpenderInTheTopSegment() {
        String tenant = tenant();
        List<Map<String, Object>> members = List.of(
                member("M01", "2026-11-18", 20, 1_200_000), // recent, frequent, the biggest spender
                member("M02", "2026-11-15", 15, 800_000),
                member("M03", "2025-12-01", 18, 900_000),   // was loyal, not seen for a year
                member("M04", "2026-11-19", 1, 30_000),     // first stay yesterday
                member("M05", "2026-10-01", 3, 90_000),
                member("M06", "2026-06-01", 2, 40_000),
                member("M07", "2026-11-10", 6, 250_000),
                member("M08", "2026-08-15", 4, 120_000),
                member("M09", "2026-03-01", 1, 15_000),
                member("M10", "2026-09-20", 8, 300_000));
        JsonPath r = execute(tenant, request("analysis", "会員のRFM分析",
                Map.of("members", members, "asOf", "2026-11-20")), null)
                .then().statusCode(200)
                .body("result.output", containsString("会員10名をRFM分析しました"))
                .body("result.output", containsString("優良顧客"))
                .body("result.output", containsString("離反リスク"))
                .body("credits.creditsUsed", equalTo(10))
                .extract().jsonPath();
        Map<String, Object> top = memberOf(r, "M01");
        assertThat(top).containsEntry("segment", "優良顧客").containsEntry("rfm", "555").containsEntry("recencyDays", 2);
        assertThat(memberOf(r, "M03")).containsEntry("segment", "離反リスク");
        assertThat(memberOf(r, "M04")).containsEntry("segment", "新規顧客");
        assertThat(memberOf(r, "M09")).containsEntry("segment", "休眠顧客");
        List<Map<String, Object>> segments = r.getList("result.additionalData.segments");
        assertThat(segments.stream().mapToInt(s -> (Integer) s.get("count")).sum()).isEqualTo(10);
        assertThat(segments.get(0)).containsEntry("segment", "優良顧客");
    }

    @Test
    void rfmFromRawTransactions() {
        String tenant = tenant();
        List<Map<String, Object>> tx = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tx.add(Map.of("memberId", "BIG", "date", "2026-11-0" + (i + 1), "amount", 60_000));
        }
        tx.add(Map.of("memberId", "ONCE", "date", "2026-01-10", "amount", 12_000));
        tx.add(Map.of("memberId", "MID", "date", "2026-09-10", "amount", 30_000));
        tx.add(Map.of("memberId", "MID", "date", "2026-07-10", "amount", 30_000));
        JsonPath r = execute(tenant, request("analysis", "RFM", Map.of("transactions", tx)), null)
                .then().statusCode(200).extract().jsonPath();
        assertThat(r.getString("result.additionalData.asOf")).isEqualTo("2026-11-06"); // the latest date sent
        assertThat(memberOf(r, "BIG")).containsEntry("segment", "優良顧客").containsEntry("frequency", 6);
        assertThat(memberOf(r, "ONCE")).containsEntry("segment", "休眠顧客");
        execute(tenant, request("analysis", "RFM", Map.of("members", List.of(Map.of("memberId", "X")))), null)
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void faqRetrievalUnderstandsWordsNotJustCharacters() {
        String tenant = tenant();
        execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(200)
                .body("result.output", containsString("15:00"))
                .body("execution.model", equalTo("local-faq-kuromoji"));
        // Shares many characters with the check-in question (は何時から…ますか) but asks about breakfast.
        execute(tenant, chatbot("朝食は何時から食べられますか", null), null).then().statusCode(200)
                .body("result.output", containsString("6:30"));
        execute(tenant, chatbot("ＷｉＦｉは使えますか", null), null).then().statusCode(200)
                .body("result.output", containsString("Wi-Fi"));
        execute(tenant, chatbot("宇宙の起源について教えて", null), null).then().statusCode(200)
                .body("result.output", containsString("見つかりませんでした"))
                .body("result.additionalData.matched", equalTo(false));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> memberOf(JsonPath r, String id) {
        return ((List<Map<String, Object>>) (List<?>) r.getList("result.additionalData.members")).stream()
                .filter(m -> id.equals(m.get("memberId"))).findFirst().orElseThrow();
    }
}
