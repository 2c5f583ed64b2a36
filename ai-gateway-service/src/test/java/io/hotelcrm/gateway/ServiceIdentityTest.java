package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.balance;
import static io.hotelcrm.gateway.ExecuteResourceTest.chatbot;
import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.gateway.credit.ServiceToken;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own identity: its service tokens (own issuer, own key, reused while fresh) are what
 * credit-service takes, and a token signed with its key is refused by its public APIs whatever it claims.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class ServiceIdentityTest {

    @Inject
    ServiceToken token;

    @Inject
    JWTParser parser;

    @Test
    void theServiceTokenIsTheGatewaysOwnAndSignedOnceWhileFresh() throws Exception {
        String first = token.bearer();
        assertThat(token.bearer()).isSameAs(first);
        JsonWebToken jwt = parser.parseOnly(first.substring("Bearer ".length()));
        assertThat(jwt.getIssuer()).isEqualTo(TestJwt.SERVICE_ISSUER);
        assertThat(jwt.getGroups()).containsExactly("service");
        assertThat(jwt.getExpirationTime() - jwt.getIssuedAtTime()).isEqualTo(300);

        String tenant = tenant(); // and credit-service takes it
        ExecuteResourceTest.execute(tenant, chatbot("チェックインは何時ですか", null), null).then().statusCode(200);
        assertThat(balance(tenant)).isEqualTo(498);
    }

    @Test
    void aTokenSignedWithTheGatewaysKeyOpensNoPublicApi() {
        String tenant = tenant();
        for (String role : List.of("staff", "admin", "service")) {
            String forged = TestJwt.gatewaySigned(tenant, role);
            given().auth().oauth2(forged).contentType(ContentType.JSON).body(chatbot("チェックインは何時ですか", null))
                    .post("/api/v1/ai/execute").then().statusCode(401);
            given().auth().oauth2(forged).get("/api/v1/ai/functions").then().statusCode(401);
            given().auth().oauth2(forged).get("/api/v1/ai/faq").then().statusCode(401);
            given().auth().oauth2(forged).get("/v1/models").then().statusCode(401);
            given().auth().oauth2(forged).contentType(ContentType.JSON)
                    .body(Map.of("model", "local", "messages", List.of(Map.of("role", "user", "content", "こんにちは"))))
                    .post("/v1/chat/completions").then().statusCode(401);
        }
        assertThat(balance(tenant)).isEqualTo(500);
    }
}
