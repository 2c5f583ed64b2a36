package io.hotelcrm.credit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.contracts.credit.CreditsGranted;
import io.hotelcrm.testsupport.EventRecorder;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class BalanceResourceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void withoutATokenTheAnswerIs401ProblemJson() {
        given().when().get("/api/v1/credits/balance")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("code", equalTo("UNAUTHORIZED"))
                .body("status", equalTo(401))
                .body("requestId", notNullValue());
    }

    @Test
    void aTokenSignedByAnUntrustedKeyIs401() {
        given().auth().oauth2(TestJwt.signedByStranger("hotel-x")).when().get("/api/v1/credits/balance")
                .then().statusCode(401).body("code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void aServiceTokenWithoutTenantCannotReadABalance() {
        given().auth().oauth2(TestJwt.service()).when().get("/api/v1/credits/balance")
                .then().statusCode(403).body("code", equalTo("FORBIDDEN"));
    }

    @Test
    void firstUseOpensTheAccountWithThePlansFreeCreditsAndPublishesTheGrant() throws Exception {
        String tenant = "hotel-" + UUID.randomUUID().toString().substring(0, 8);
        try (EventRecorder events = EventRecorder.start(kafka, Topics.CREDIT_EVENTS)) {
            given().auth().oauth2(TestJwt.staff(tenant)).header("X-Request-Id", "req-balance-1")
                    .when().get("/api/v1/credits/balance")
                    .then().statusCode(200)
                    .header("X-Request-Id", "req-balance-1")
                    .body("account.tenantId", equalTo(tenant))
                    .body("account.planType", equalTo("ESSENTIAL"))
                    .body("balance.currentBalance", equalTo(500))
                    .body("balance.monthlyFreeCredits", equalTo(500))
                    .body("balance.usedThisMonth", equalTo(0))
                    .body("balance.grants[0].source", equalTo("MONTHLY_FREE"))
                    .body("autoPurchase.threshold", equalTo(50))
                    .body("autoPurchase.purchaseAmount", equalTo(500));

            var granted = events.awaitEnvelopes(e -> e.tenantId().equals(tenant), 1, Duration.ofSeconds(20));
            assertThat(granted).hasSize(1);
            CreditsGranted data = granted.get(0).dataAs(EventType.CreditsGranted, CreditsGranted.class);
            assertThat(data.source()).isEqualTo("MONTHLY_FREE");
            assertThat(data.credits()).isEqualTo(500);
            assertThat(events.records()).filteredOn(r -> tenant.equals(r.key())).hasSize(1);
        }
        // A second read opens nothing new.
        given().auth().oauth2(TestJwt.staff(tenant)).when().get("/api/v1/credits/balance")
                .then().statusCode(200).body("balance.currentBalance", equalTo(500));
    }

    @Test
    void aTenantOnlyEverSeesItsOwnAccount() {
        String a = "hotel-a-" + UUID.randomUUID().toString().substring(0, 6);
        String b = "hotel-b-" + UUID.randomUUID().toString().substring(0, 6);
        String accountA = given().auth().oauth2(TestJwt.staff(a)).get("/api/v1/credits/balance")
                .then().statusCode(200).extract().path("account.accountId");
        String accountB = given().auth().oauth2(TestJwt.staff(b)).get("/api/v1/credits/balance")
                .then().statusCode(200).body("account.tenantId", equalTo(b)).extract().path("account.accountId");
        assertThat(accountA).isNotEqualTo(accountB);
    }
}
