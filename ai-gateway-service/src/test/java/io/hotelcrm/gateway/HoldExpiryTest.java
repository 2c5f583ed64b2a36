package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.contracts.hold.HoldApi;
import io.hotelcrm.gateway.credit.CreditLedger;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A gateway that dies after reserving never captures nor releases: its hold expires at credit-service,
 * whose sweeper gives the credits back, and a late capture of it is refused.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class HoldExpiryTest {

    @Inject
    CreditLedger ledger;

    @Test
    void aHoldNobodyResolvesExpiresAndTheCreditsComeBack() {
        String tenant = tenant();
        assertThat(balance(tenant).getInt("balance.currentBalance")).isEqualTo(500);
        // What the pipeline does first, with a 1-second lifetime; then this "gateway" is gone.
        HoldApi.HoldView hold = ledger.reserve(tenant, "staff-" + tenant, FunctionType.ANALYSIS, 40, "crashed-exec-1", 1)
                .await().atMost(Duration.ofSeconds(10));
        assertThat(hold.available()).isEqualTo(460);
        assertThat(balance(tenant).getInt("balance.heldCredits")).isEqualTo(40);

        Awaitility.await("the sweeper releases the expired hold").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> balance(tenant).getInt("balance.heldCredits") == 0);
        JsonPath after = balance(tenant);
        assertThat(after.getInt("balance.currentBalance")).isEqualTo(500);
        assertThat(after.getInt("balance.usedThisMonth")).isZero();

        Throwable late = catchThrowable(() -> ledger.capture(hold.holdId(), 10, "crashed-exec-1:capture", 5, "late")
                .await().atMost(Duration.ofSeconds(10)));
        assertThat(late).isInstanceOf(ApiException.class);
        assertThat(((ApiException) late).status()).isEqualTo(409);
        assertThat(balance(tenant).getInt("balance.currentBalance")).isEqualTo(500);
    }

    private static JsonPath balance(String tenant) {
        return given().auth().oauth2(TestJwt.staff(tenant)).get(CreditServiceResource.url + "/api/v1/credits/balance")
                .then().statusCode(200).extract().jsonPath();
    }
}
