package io.hotelcrm.billing;

import static io.restassured.RestAssured.given;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.testsupport.TestJwt;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Calls billing's API as the dashboard does and reads what the service stored (outbox, purchases). */
final class BillingApi {

    private final AgroalDataSource db;

    BillingApi(AgroalDataSource db) {
        this.db = db;
    }

    static StripeStub stub() {
        return StripeStubResource.stub;
    }

    static String newTenant() {
        return "hotel-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Map<String, Object> card(String packageId, String paymentMethodId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("packageId", packageId);
        body.put("paymentMethod", "stripe");
        body.put("paymentDetails", Map.of("stripePaymentMethodId", paymentMethodId));
        body.put("metadata", Map.of("source", "dashboard"));
        return body;
    }

    static Map<String, Object> invoice(String packageId, String email) {
        return Map.of("packageId", packageId, "paymentMethod", "invoice", "paymentDetails", Map.of("invoiceEmail", email));
    }

    static Response purchase(String tenant, String key, Object body) {
        var request = given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON).body(body);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post("/api/v1/credits/purchase");
    }

    /** POST /api/v1/billing/purchases/{id}/refund as an admin; {@code body} null sends none. */
    static Response refund(String tenant, String purchaseId, String key, Object body) {
        return refundAs(TestJwt.admin(tenant), purchaseId, key, body);
    }

    static Response refundAs(String token, String purchaseId, String key, Object body) {
        var request = given().auth().oauth2(token);
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post("/api/v1/billing/purchases/" + purchaseId + "/refund");
    }

    static Response saveCard(String tenant, String paymentMethodId) {
        return given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("paymentMethodId", paymentMethodId, "billingEmail", "keiri@" + tenant + ".example.jp"))
                .post("/api/v1/billing/payment-method");
    }

    static String status(String tenant, String purchaseId) {
        List<Map<String, Object>> items = given().auth().oauth2(TestJwt.staff(tenant)).queryParam("limit", 100)
                .get("/api/v1/billing/purchases").then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().filter(i -> i.get("transactionId").equals(purchaseId)).map(i -> (String) i.get("paymentStatus"))
                .findFirst().orElseThrow();
    }

    /** Outbox rows of {@code type} whose data.{@code field} equals {@code value}: what was published. */
    List<String> events(String type, String field, String value) throws SQLException {
        return strings("select payload from outbox_event where type = ? and (payload::jsonb -> 'data' ->> ?) = ? order by seq",
                type, field, value);
    }

    List<String> eventsOfTenant(String tenant) throws SQLException {
        return strings("select type from outbox_event where kafka_key = ? order by seq", tenant);
    }

    long count(String sql, Object... params) throws SQLException {
        return Long.parseLong(strings(sql, params).get(0));
    }

    List<String> strings(String sql, Object... params) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
