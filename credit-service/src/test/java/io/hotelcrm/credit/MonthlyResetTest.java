package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.capture;
import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.release;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.reset.ResetScheduler;
import io.hotelcrm.credit.reset.ResetService;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class MonthlyResetTest {

    /** 2026-12-01 00:00:00 in Tokyo. */
    static final Instant DECEMBER_JST = Instant.parse("2026-11-30T15:00:00Z");

    @Inject
    MutableClock clock;
    @Inject
    ResetService resets;
    @Inject
    ResetScheduler scheduler;
    @Inject
    AgroalDataSource db;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void freeCreditsExpireAtTheEndOfTheTenantsMonthInTokyoNotInUtc() throws Exception {
        clock.set(Instant.parse("2026-11-15T03:00:00Z"));
        String tenant = newTenant();
        open(tenant);
        LedgerApi.grant(tenant, "PURCHASE", 100, "pi_jst", null).then().statusCode(200);

        clock.set(DECEMBER_JST.minusSeconds(1)); // 2026-11-30 23:59:59 JST, still November in Tokyo
        String hold = reserve(tenant, 600, "last-second").then().statusCode(200).extract().path("holdId");
        release(hold).then().statusCode(200);

        clock.set(DECEMBER_JST); // midnight in Tokyo, but 15:00 on 30 November in UTC
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance").then().statusCode(200)
                .body("balance.currentBalance", equalTo(100))
                .body("balance.grants.size()", equalTo(1))
                .body("balance.grants[0].source", equalTo("PURCHASE"));
        reserve(tenant, 101, "after-midnight").then().statusCode(402);
        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(ledger.single("select count(*) from ai_credit_transactions t join ai_credit_accounts a on a.id = t.account_id "
                + "where a.tenant_id = ? and t.transaction_type = 'EXPIRY' and t.credits_amount = -500", tenant)).isEqualTo(1);
        ledger.assertHoldFor(tenant);
    }

    @Test
    void freeCreditsAreBurnedBeforePurchasedOnes() throws Exception {
        String tenant = newTenant();
        open(tenant);
        LedgerApi.grant(tenant, "PURCHASE", 100, "pi_burn", null).then().statusCode(200);
        String hold = reserve(tenant, 50, "burn").then().statusCode(200).extract().path("holdId");
        capture(hold, 50, "burn-cap").then().statusCode(200);

        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(ledger.column("select g.remaining_credits from credit_grants g join ai_credit_accounts a on a.id = g.account_id "
                + "where a.tenant_id = ? order by g.priority", tenant)).containsExactly(450L, 100L);
    }

    @Test
    void theResetGrantsExactlyOnceWhenRunTwiceConcurrentlyOrAfterACrashHalfWay() throws Throwable {
        clock.set(Instant.parse("2026-11-10T00:00:00Z"));
        String tenant = newTenant();
        open(tenant);
        UUID account = accountId(tenant);
        clock.set(DECEMBER_JST.plusSeconds(600));

        // A run that crashes after doing all its work, before commit: nothing of it remains.
        assertThatThrownBy(() -> VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() ->
                CreditAccount.lock(account).chain(a -> resets.resetLocked(a, true))
                        .chain(() -> Uni.createFrom().failure(new IllegalStateException("crash half-way"))))))
                .hasMessageContaining("crash half-way");
        assertThat(resetRows(account)).isZero();

        // Two replicas at once, then the scheduler twice more.
        CompletableFuture<Object> a = CompletableFuture.supplyAsync(() -> reset(account));
        CompletableFuture<Object> b = CompletableFuture.supplyAsync(() -> reset(account));
        a.join();
        b.join();
        VertxContextSupport.subscribeAndAwait(() -> scheduler.resetDueAccounts());
        VertxContextSupport.subscribeAndAwait(() -> scheduler.resetDueAccounts());

        assertThat(resetRows(account)).isEqualTo(1);
        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(ledger.single("select count(*) from ai_credit_transactions where account_id = ? "
                + "and idempotency_key = 'monthly-free:2026-12'", account)).isEqualTo(1);
        assertThat(ledger.single("select previous_balance from monthly_credit_resets where account_id = ? "
                + "and reset_month = '2026-12'", account)).as("November's credits expired first").isZero();
        assertThat(LedgerApi.available(tenant)).isEqualTo(500);
        ledger.assertHoldFor(tenant);
    }

    private Object reset(UUID account) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> resets.resetAccount(account));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private long resetRows(UUID account) throws Exception {
        return new LedgerInvariants(db).single("select count(*) from monthly_credit_resets where account_id = ? "
                + "and reset_month = '2026-12'", account);
    }

    private UUID accountId(String tenant) throws Exception {
        try (var c = db.getConnection(); var ps = c.prepareStatement("select id from ai_credit_accounts where tenant_id = ?")) {
            ps.setString(1, tenant);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }
}
