package io.hotelcrm.credit;

import static io.restassured.RestAssured.given;

import io.hotelcrm.testsupport.TestJwt;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Calls credit-service's APIs the way the gateway and billing do, with real tokens. */
final class LedgerApi {

    static final String SERVICE = TestJwt.service();

    private LedgerApi() {
    }

    static String newTenant() {
        return "hotel-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Opens the tenant's account (first use) and returns its available credits. */
    static int open(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance")
                .then().statusCode(200).extract().path("balance.currentBalance");
    }

    static int available(String tenant) {
        return open(tenant);
    }

    static Response reserve(String tenant, long amount, String key) {
        return reserve(tenant, amount, key, null);
    }

    static Response reserve(String tenant, long amount, String key, Integer timeoutSeconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", tenant);
        body.put("amount", amount);
        body.put("functionType", "CHATBOT");
        body.put("idempotencyKey", key);
        body.put("userId", "u-1");
        if (timeoutSeconds != null) {
            body.put("timeoutSeconds", timeoutSeconds);
        }
        return given().auth().oauth2(SERVICE).contentType(ContentType.JSON).body(body).post("/internal/v1/holds");
    }

    static Response capture(String holdId, long amount, String key) {
        return given().auth().oauth2(SERVICE).contentType(ContentType.JSON)
                .body(Map.of("amount", amount, "idempotencyKey", key, "executionTimeMs", 120))
                .post("/internal/v1/holds/" + holdId + "/capture");
    }

    /** Reserves {@code worst} and captures {@code amount} at once, as the gateway does for a built-in engine's answer. */
    static Response charge(String tenant, long worst, long amount, String key) {
        Map<String, Object> hold = new LinkedHashMap<>();
        hold.put("tenantId", tenant);
        hold.put("amount", worst);
        hold.put("functionType", "CHATBOT");
        hold.put("idempotencyKey", key);
        hold.put("userId", "u-1");
        Map<String, Object> capture = Map.of("amount", amount, "idempotencyKey", key + ":capture", "executionTimeMs", 1);
        return given().auth().oauth2(SERVICE).contentType(ContentType.JSON)
                .body(Map.of("hold", hold, "capture", capture)).post("/internal/v1/holds/charge");
    }

    static Response release(String holdId) {
        return given().auth().oauth2(SERVICE).contentType(ContentType.JSON).body(Map.of())
                .post("/internal/v1/holds/" + holdId + "/release");
    }

    static Response grant(String tenant, String source, long credits, String key, String expiresAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", tenant);
        body.put("source", source);
        body.put("credits", credits);
        body.put("idempotencyKey", key);
        body.put("reference", key);
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt);
        }
        return given().auth().oauth2(SERVICE).contentType(ContentType.JSON).body(body).post("/internal/v1/grants");
    }
}
