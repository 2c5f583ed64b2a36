package io.hotelcrm.billing;

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
class PackageResourceTest {

    @Test
    void theSeededCatalogueIsPricedInWholeYen() {
        given().auth().oauth2(TestJwt.staff("hotel-pkg")).get("/api/v1/credits/packages")
                .then().statusCode(200)
                .body("id", contains("pkg-500", "pkg-2000", "pkg-10000"))
                .body("[0].credits", equalTo(500))
                .body("[0].priceYen", equalTo(5000))
                .body("[0].priceYenWithTax", equalTo(5500))
                .body("[0].yenPerCredit", equalTo(10.0f))
                .body("[1].discountPercent", equalTo(10))
                .body("[1].bulk", equalTo(true))
                .body("[2].priceYen", equalTo(80000))
                .body("[2].discountPercent", equalTo(20))
                .body("[2].yenPerCredit", equalTo(8.0f));
    }

    @Test
    void anUnknownPlanIsAValidationProblem() {
        given().auth().oauth2(TestJwt.staff("hotel-pkg")).queryParam("planType", "GOLD").get("/api/v1/credits/packages")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void packagesNeedAToken() {
        given().get("/api/v1/credits/packages").then().statusCode(401).body("code", equalTo("UNAUTHORIZED"));
    }
}
