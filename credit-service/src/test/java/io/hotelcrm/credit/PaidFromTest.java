package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.capture;
import static io.hotelcrm.credit.LedgerApi.grant;
import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The receipt's "which grant paid": a usage entry names the grants it burned, in burn order. */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class PaidFromTest {

    @Inject
    AgroalDataSource db;

    @Test
    void aCaptureThatSpansTwoGrantsNamesBothInBurnOrder() throws Exception {
        String tenant = newTenant();
        int free = open(tenant);
        grant(tenant, "BONUS", 1000, "paid-from-bonus-" + tenant, null).then().statusCode(200);
        String hold = reserve(tenant, free + 200, "paid-from").then().statusCode(200).extract().path("holdId");
        capture(hold, free + 100, "paid-from-cap").then().statusCode(200);

        JsonPath page = given().auth().oauth2(TestJwt.staff(tenant)).queryParam("type", "USAGE")
                .get("/api/v1/credits/transactions").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> paid = page.getList("items[0].paidFrom");
        assertThat(paid).extracting(p -> p.get("source"), p -> ((Number) p.get("credits")).longValue())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("MONTHLY_FREE", (long) free),
                        org.assertj.core.groups.Tuple.tuple("BONUS", 100L));

        // From the tables: every entry that took credits out is paid for exactly by its shares
        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(ledger.single("select count(*) from ai_credit_transactions t join ai_credit_accounts a "
                + "on a.id = t.account_id where a.tenant_id = ? and t.credits_amount < 0 and -t.credits_amount <> "
                + "(select coalesce(sum((s->>'credits')::bigint), 0) from jsonb_array_elements(t.paid_from::jsonb) s)", tenant))
                .isZero();
        ledger.assertHoldFor(tenant);
    }
}
