package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** One broken account never stops the batch jobs for the others (the sweeper's hold expiry here). */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class LedgerIsolationTest {

    private static final Pattern FAILURES = Pattern.compile(
            "credit_ledger_account_failures_total\\{[^}]*job=\"hold-expiry\"[^}]*} ([0-9.]+)");

    @Inject
    AgroalDataSource db;

    @Test
    void anAccountWhoseHoldExpiryFailsIsSkippedAndEveryOtherAccountsHoldsStillExpire() throws Exception {
        List<String> tenants = List.of(newTenant(), newTenant(), newTenant());
        tenants.forEach(LedgerApi::open);
        String broken = tenants.get(1);
        List<UUID> holds = tenants.stream().map(t -> UUID.fromString(
                reserve(t, 30, "iso-" + t, 1).then().statusCode(200).extract().<String>path("holdId"))).toList();
        double failuresBefore = failures();

        // Break one account behind the ledger's back: held credits no longer equal its pending holds.
        execute("update ai_credit_accounts set held_credits = held_credits + 7 where tenant_id = ?", broken);

        LedgerInvariants tables = new LedgerInvariants(db);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                status(tables, holds.get(0)).equals("EXPIRED") && status(tables, holds.get(2)).equals("EXPIRED"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> failures() > failuresBefore);
        assertThat(status(tables, holds.get(1))).as("the broken account's hold is left as it was").isEqualTo("PENDING");
        assertThat(tables.single("select held_credits from ai_credit_accounts where tenant_id = ?", broken))
                .as("nothing was written to the broken account").isEqualTo(37);
        tables.assertHoldFor(tenants.get(0));
        tables.assertHoldFor(tenants.get(2));

        // Once repaired, its hold expires like the others.
        execute("update ai_credit_accounts set held_credits = held_credits - 7 where tenant_id = ?", broken);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> status(tables, holds.get(1)).equals("EXPIRED"));
        tables.assertHoldFor(broken);
        assertThat(open(broken)).isEqualTo(500);
    }

    private static String status(LedgerInvariants tables, UUID hold) throws Exception {
        return tables.single("select case status when 'PENDING' then 0 when 'EXPIRED' then 1 else 2 end "
                + "from credit_holds where id = ?", hold) == 1 ? "EXPIRED"
                : tables.single("select case status when 'PENDING' then 0 else 2 end from credit_holds where id = ?", hold) == 0
                ? "PENDING" : "OTHER";
    }

    private static double failures() {
        Matcher m = FAILURES.matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private void execute(String sql, String tenant) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
