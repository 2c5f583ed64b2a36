package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.capture;
import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The public API's response shapes, field for field as in the guide (product.md §5). */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class PublicApiContractTest {

    @Test
    void balanceHasTheGuidesFields() {
        String tenant = tenantWithUsage();
        Map<String, Object> body = given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance")
                .then().statusCode(200).extract().jsonPath().getMap("$");
        assertThat(body.keySet()).containsExactlyInAnyOrder("account", "balance", "autoPurchase", "usage");
        assertThat(keys(body, "account")).containsExactlyInAnyOrder("accountId", "tenantId", "planType");
        assertThat(keys(body, "balance")).contains("currentBalance", "monthlyFreeCredits", "usedThisMonth",
                "totalPurchased", "estimatedDaysLeft");
        assertThat(keys(body, "autoPurchase")).containsExactlyInAnyOrder("enabled", "threshold", "purchaseAmount", "mode",
                "packageId", "targetBalance", "monthlyCapCredits", "monthlyCapYen", "state");
        assertThat(keys(body, "usage")).containsExactlyInAnyOrder("topFunctions", "dailyUsage");
        Map<String, Object> usage = map(body, "usage");
        assertThat(((List<Map<String, Object>>) usage.get("topFunctions")).get(0).keySet())
                .containsExactlyInAnyOrder("functionType", "creditsUsed", "percentage");
        assertThat(((List<Map<String, Object>>) usage.get("dailyUsage")).get(0).keySet())
                .containsExactlyInAnyOrder("date", "credits");
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance").then()
                .body("balance.usedThisMonth", equalTo(30))
                .body("balance.estimatedDaysLeft", equalTo(470)) // 470 available / (30 credits / 30 days)
                .body("usage.topFunctions[0].percentage", equalTo(100.0f));
    }

    @Test
    void analyticsHasTheGuidesFields() {
        String tenant = tenantWithUsage();
        Map<String, Object> body = given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/analytics")
                .then().statusCode(200).extract().jsonPath().getMap("$");
        assertThat(body.keySet()).containsExactlyInAnyOrder("period", "usage", "functions", "spending");
        assertThat(keys(body, "period")).containsExactlyInAnyOrder("startDate", "endDate", "days");
        assertThat(keys(body, "usage")).containsExactlyInAnyOrder("totalCreditsUsed", "averageDaily", "peakDay", "efficiency");
        assertThat(((Map<String, Object>) map(body, "usage").get("peakDay")).keySet()).containsExactlyInAnyOrder("date", "credits");
        assertThat(((Map<String, Object>) map(body, "usage").get("efficiency")).keySet())
                .containsExactlyInAnyOrder("score", "recommendation");
        assertThat(((List<Map<String, Object>>) body.get("functions")).get(0).keySet()).containsExactlyInAnyOrder(
                "functionType", "totalUsage", "averageExecutionTime", "successRate", "costEfficiency");
        assertThat(keys(body, "spending")).contains("totalCost", "savingsFromPlan", "projectedMonthlySpend");

        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/analytics").then()
                .body("period.days", equalTo(30))
                .body("usage.totalCreditsUsed", equalTo(30))
                .body("usage.averageDaily", equalTo(1.0f))
                .body("functions[0].functionType", equalTo("CHATBOT"))
                .body("functions[0].averageExecutionTime", equalTo(120))
                .body("functions[0].successRate", equalTo(66.7f)) // two captured, one released
                .body("functions[0].costEfficiency", equalTo(15.0f))
                .body("spending.totalCost", equalTo(300))
                .body("spending.projectedMonthlySpend", equalTo(7800));
    }

    @Test
    void analyticsSuggestsACheaperPlanForHeavyUse() {
        String tenant = newTenant();
        open(tenant);
        LedgerApi.grant(tenant, "PURCHASE", 5000, "pi_heavy", null).then().statusCode(200);
        String hold = reserve(tenant, 3000, "heavy").then().statusCode(200).extract().path("holdId");
        capture(hold, 3000, "heavy-cap").then().statusCode(200);
        // 3,000 credits in 30 days: ESSENTIAL 7,800 + 2,500 × 10 = 32,800; PROFESSIONAL 19,800 + 1,000 × 9 = 28,800.
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/analytics").then().statusCode(200)
                .body("spending.projectedMonthlySpend", equalTo(32800))
                .body("spending.planOptimization.suggestedPlan", equalTo("PROFESSIONAL"))
                .body("spending.planOptimization.estimatedSavings", equalTo(4000))
                .body("usage.efficiency.score", equalTo(100));
    }

    @Test
    void transactionsArePagedNewestFirstAndFiltered() {
        String tenant = tenantWithUsage();
        String token = TestJwt.staff(tenant);
        var first = given().auth().oauth2(token).queryParam("limit", 2).get("/api/v1/credits/transactions")
                .then().statusCode(200).body("items.size()", equalTo(2)).body("nextCursor", notNullValue())
                .extract().jsonPath();
        given().auth().oauth2(token).queryParam("limit", 2).queryParam("cursor", first.getString("nextCursor"))
                .get("/api/v1/credits/transactions").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].type", equalTo("MONTHLY_RESET"));
        given().auth().oauth2(token).queryParam("type", "usage").get("/api/v1/credits/transactions")
                .then().statusCode(200).body("items.size()", equalTo(2)).body("items.creditsAmount", org.hamcrest.Matchers.contains(-20, -10));
        given().auth().oauth2(token).queryParam("functionType", "analysis").get("/api/v1/credits/transactions")
                .then().statusCode(200).body("items.size()", equalTo(0));
        given().auth().oauth2(token).queryParam("from", "yesterday").get("/api/v1/credits/transactions")
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(TestJwt.staff(newTenant())).get("/api/v1/credits/transactions")
                .then().statusCode(200).body("items.size()", equalTo(1)); // another tenant sees only its own
    }

    @Test
    void autoPurchaseSettingsAreForAdminsAndValidatedAndNeedBillingsCatalogueToTurnOn() {
        String tenant = newTenant();
        open(tenant);
        Map<String, Object> settings = Map.of("enabled", true, "threshold", 100, "purchaseAmount", 2000, "packageId", "pkg-2000");
        given().auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON).body(settings)
                .put("/api/v1/credits/auto-purchase").then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "threshold", -1, "purchaseAmount", 0))
                .put("/api/v1/credits/auto-purchase").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "threshold", 100, "mode", "TOP_UP", "targetBalance", 100))
                .put("/api/v1/credits/auto-purchase").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"))
                .body("violations[0].field", equalTo("targetBalance"));
        // No billing-service runs beside this module's tests: the package cannot be checked, so nothing is saved.
        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON).body(settings)
                .put("/api/v1/credits/auto-purchase").then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", equalTo("5"))
                .body("code", equalTo("CATALOGUE_UNAVAILABLE"));
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance").then()
                .body("autoPurchase.enabled", equalTo(false)).body("autoPurchase.threshold", equalTo(50));
        // Turning it off never needs billing.
        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("enabled", false, "threshold", 80))
                .put("/api/v1/credits/auto-purchase").then().statusCode(200)
                .body("enabled", equalTo(false)).body("threshold", equalTo(80)).body("mode", equalTo("FIXED"));
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance").then()
                .body("autoPurchase.threshold", equalTo(80)).body("autoPurchase.state.requestInFlight", equalTo(false));
    }

    @Test
    void theAuditReportIsForAdminsAndRunsItsComplianceChecks() {
        String tenant = tenantWithUsage();
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/audit-report").then().statusCode(403);
        var report = given().auth().oauth2(TestJwt.admin(tenant)).get("/api/v1/credits/audit-report")
                .then().statusCode(200)
                .body("summary.totalCreditUsage", equalTo(30))
                .body("summary.totalTransactions", equalTo(2))
                .body("usage.byFunction[0].functionType", equalTo("CHATBOT"))
                .extract().jsonPath();
        assertThat(report.getList("compliance.checks.name")).containsExactly("DATA_RETENTION", "ACCESS_CONTROL",
                "ENCRYPTION", "AUDIT_TRAIL");
        assertThat(report.getBoolean("compliance.checks.find { it.name == 'AUDIT_TRAIL' }.passed")).isTrue();
        // The test database is reached without TLS, and the report says so instead of pretending.
        assertThat(report.getBoolean("compliance.checks.find { it.name == 'ENCRYPTION' }.passed")).isFalse();
        assertThat(report.getString("compliance.overall")).isEqualTo("NON_COMPLIANT");
    }

    /** A tenant that used 10 + 20 credits of CHATBOT and released one reservation. */
    private static String tenantWithUsage() {
        String tenant = newTenant();
        open(tenant);
        String a = reserve(tenant, 10, "u-a").then().statusCode(200).extract().path("holdId");
        capture(a, 10, "u-a-cap").then().statusCode(200);
        String b = reserve(tenant, 25, "u-b").then().statusCode(200).extract().path("holdId");
        capture(b, 20, "u-b-cap").then().statusCode(200);
        String c = reserve(tenant, 5, "u-c").then().statusCode(200).extract().path("holdId");
        LedgerApi.release(c).then().statusCode(200);
        return tenant;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> body, String key) {
        return (Map<String, Object>) body.get(key);
    }

    private static Set<String> keys(Map<String, Object> body, String key) {
        return map(body, key).keySet();
    }
}
