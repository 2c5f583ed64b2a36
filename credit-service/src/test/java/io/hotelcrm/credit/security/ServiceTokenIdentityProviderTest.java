package io.hotelcrm.credit.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.oneOf;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Service identity: the internal API takes only tokens of the gateway's own issuer and key with the
 * {@code service} group; the identity provider's key cannot make one, and the gateway's key opens no
 * public API, whatever groups its token claims.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class ServiceTokenIdentityProviderTest {

    private static final List<String> PUBLIC_READS = List.of("/api/v1/credits/balance", "/api/v1/credits/transactions",
            "/api/v1/credits/analytics?from=2026-11-01&to=2026-11-30",
            "/api/v1/credits/audit-report?from=2026-11-01&to=2026-11-30");

    @Test
    void theGatewaysServiceTokenReservesCredits() {
        reserve(TestJwt.service(), tenant()).then().statusCode(200).body("status", equalTo("PENDING"));
    }

    @Test
    void theIdentityProvidersKeyCannotMakeAServiceToken() {
        reserve(TestJwt.serviceFromIdentityProvider(), tenant()).then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(TestJwt.serviceFromIdentityProvider()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant(), "credits", 10, "source", "BONUS", "idempotencyKey", "g-1"))
                .post("/internal/v1/grants").then().statusCode(403);
    }

    @Test
    void aTokenSignedWithTheGatewaysKeyOpensNoPublicApi() {
        String tenant = tenant();
        for (String role : List.of("staff", "admin", "service")) {
            String token = TestJwt.gatewaySigned(tenant, role);
            for (String path : PUBLIC_READS) {
                given().auth().oauth2(token).get(path).then().statusCode(oneOf(401, 403));
            }
            given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("enabled", true, "threshold", 50, "purchaseAmount", 500))
                    .put("/api/v1/credits/auto-purchase").then().statusCode(oneOf(401, 403));
        }
        // the same tenant and groups from the identity provider are let in
        given().auth().oauth2(TestJwt.admin(tenant)).get("/api/v1/credits/balance").then().statusCode(200);
    }

    @Test
    void aServiceTokenSignedByAnUnknownKeyIsUnauthorized() {
        reserve(TestJwt.signedByStranger(tenant()), tenant()).then().statusCode(401);
    }

    private static io.restassured.response.Response reserve(String token, String tenant) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 5, "functionType", "CHATBOT",
                        "idempotencyKey", UUID.randomUUID().toString()))
                .post("/internal/v1/holds");
    }

    private static String tenant() {
        return "hotel-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
