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

    /** Ready = the database; Kafka and Redis are wellness checks (degraded when down), never readiness. */
    @Test
    void readinessIsTheDatabaseAndKafkaAndRedisAreWellnessChecks() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItem("Reactive PostgreSQL connections health check"))
                .body("checks.name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(
                        org.hamcrest.Matchers.containsStringIgnoringCase("kafka"))))
                .body("checks.name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(
                        org.hamcrest.Matchers.containsStringIgnoringCase("redis"))));
        org.awaitility.Awaitility.await("the first probes").atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> given().get("/q/health/well").then().statusCode(200)
                        .body("checks.find { it.name == 'kafka' }.status", equalTo("UP"))
                        .body("checks.find { it.name == 'redis' }.status", equalTo("UP"))
                        .body("checks.find { it.name == 'kafka' }.data.checkedAt", org.hamcrest.Matchers.not("not probed yet")));
    }
}
