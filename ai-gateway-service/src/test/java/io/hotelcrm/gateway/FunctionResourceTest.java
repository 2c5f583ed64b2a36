package io.hotelcrm.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class FunctionResourceTest {

    @Test
    void listsTheFunctionsWithTheGuidesBaseCosts() {
        given().auth().oauth2(TestJwt.staff("hotel-fn")).get("/api/v1/ai/functions")
                .then().statusCode(200)
                .body("functionType", contains("CHATBOT", "RECOMMENDATION", "PREDICTION", "ANALYSIS", "CUSTOM"))
                .body("baseCost", contains(2, 5, 8, 10, 15));
    }

    @Test
    void functionsNeedAToken() {
        given().get("/api/v1/ai/functions").then().statusCode(401).body("code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void readinessCoversDatabaseKafkaAndRedis() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItems(
                        "Reactive PostgreSQL connections health check", "Kafka connection health check",
                        "Redis connection health check"));
    }
}
