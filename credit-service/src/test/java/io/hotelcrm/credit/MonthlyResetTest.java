package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.capture;
import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.release;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.credit.audit.AuditLog;
import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerEngine;
import io.hotelcrm.credit.ledger.LedgerMetrics;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.ledger.LedgerStore;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.credit.reset.ResetScheduler;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
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
    Ledger ledger;
    @Inject
    Pool pool;
    @Inject
    LedgerStore store;
    @Inject
    LedgerEngine engine;
    @Inject
    CreditConfig config;
    @Inject
    AuditLog audit;
    @Inject
    LedgerMetrics metrics;
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
        // November's free credits are gone and December's are there, at the first touch after midnight.
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance").then().statusCode(200)
                .body("balance.currentBalance", equalTo(600))
                .body("balance.grants.size()", equalTo(2))
                .body("balance.grants[0].source", equalTo("MONTHLY_FREE"))
                .body("balance.grants[0].expiresAt", equalTo("2026-12-31T15:00:00Z"))
                .body("balance.grants[1].source", equalTo("PURCHASE"));
        reserve(tenant, 601, "after-midnight").then().statusCode(402);
        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(ledger.single("select count(*) from ai_credit_transactions t join ai_credit_accounts a on a.id = t.account_id "
                + "where a.tenant_id = ? and t.transaction_type = 'EXPIRY' and t.credits_amount = -500", tenant)).isEqualTo(1);
        ledger.assertHoldFor(tenant);
    }

    @Test
    void theMomentBetweenLastMonthsExpiryAndTheNewGrantIsNoLowBalance() throws Exception {
        clock.set(Instant.parse("2026-11-20T03:00:00Z"));
        String tenant = newTenant();
        open(tenant); // ESSENTIAL: November's 500 free credits
        String hold = reserve(tenant, 460, "november").then().statusCode(200).extract().path("holdId");
        capture(hold, 460, "november-capture").then().statusCode(200); // 40 left: below the warning line
        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(balanceLowEvents(ledger, tenant)).isEqualTo(1);

        clock.set(DECEMBER_JST.plusSeconds(60));
        assertThat(open(tenant)).isEqualTo(500);
        // November's 40 expired and December's 500 arrived in one transaction: the 0 between them is no
        // CRITICAL alert (nor an auto top-up), and the account is re-armed for December's own crossings
        assertThat(balanceLowEvents(ledger, tenant)).isEqualTo(1);
        assertThat(ledger.single("select count(*) from ai_credit_accounts where tenant_id = ? and low_balance_level = 'NONE'",
                tenant)).isEqualTo(1);
        hold = reserve(tenant, 460, "december").then().statusCode(200).extract().path("holdId");
        capture(hold, 460, "december-capture").then().statusCode(200);
        assertThat(balanceLowEvents(ledger, tenant)).isEqualTo(2);
        ledger.assertHoldFor(tenant);
    }

    private static long balanceLowEvents(LedgerInvariants ledger, String tenant) throws Exception {
        return ledger.single("select count(*) from outbox_event where kafka_key = ? and type = 'BalanceLow'", tenant);
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
    void theResetGrantsExactlyOnceWhenTwoReplicasAndTheSchedulerRunItAtOnce() throws Throwable {
        clock.set(Instant.parse("2026-11-10T00:00:00Z"));
        String tenant = newTenant();
        open(tenant);
        UUID account = accountId(tenant);
        clock.set(DECEMBER_JST.plusSeconds(600));

        // A second replica: its own group-commit queue, the same database.
        Ledger otherReplica = new Ledger(pool, store, engine, config, audit, metrics, clock);
        List<CompletableFuture<Object>> runs = List.of(
                CompletableFuture.supplyAsync(() -> touch(ledger, tenant)),
                CompletableFuture.supplyAsync(() -> touch(otherReplica, tenant)),
                CompletableFuture.supplyAsync(() -> touch(otherReplica, tenant)),
                CompletableFuture.supplyAsync(() -> await(() -> scheduler.resetDueAccounts())));
        runs.forEach(CompletableFuture::join);
        await(() -> scheduler.resetDueAccounts());

        assertThat(resetRows(account)).isEqualTo(1);
        LedgerInvariants ledgerTables = new LedgerInvariants(db);
        assertThat(ledgerTables.single("select count(*) from ai_credit_transactions where account_id = ? "
                + "and idempotency_key = 'monthly-free:2026-12'", account)).isEqualTo(1);
        assertThat(ledgerTables.single("select previous_balance from monthly_credit_resets where account_id = ? "
                + "and reset_month = '2026-12'", account)).as("November's credits expired first").isZero();
        assertThat(LedgerApi.available(tenant)).isEqualTo(500);
        ledgerTables.assertHoldFor(tenant);
    }

    /**
     * Midnight in Tokyo with more accounts than one page of the reset job: the accounts in use get their
     * December credits at their first touch (no 402 in between), the idle ones from the scheduler, each once.
     */
    @Test
    void atMidnightInTokyoEveryAccountGetsItsCreditsOnceAndNoneSees402() throws Exception {
        clock.set(DECEMBER_JST.minusSeconds(120));
        List<String> busy = new ArrayList<>();
        List<String> idle = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String tenant = newTenant();
            open(tenant);
            (i % 2 == 0 ? busy : idle).add(tenant);
        }
        for (String tenant : busy) { // spend November's credits down to 100
            String hold = reserve(tenant, 400, "nov-" + tenant).then().statusCode(200).extract().path("holdId");
            capture(hold, 400, "nov-cap-" + tenant).then().statusCode(200);
        }
        int pages = (busy.size() + idle.size()) / 50 + 1;
        assertThat(pages).as("more accounts than one page of the job").isGreaterThan(1);

        clock.set(DECEMBER_JST); // November's free credits expire now; December's must be there at once
        ConcurrentHashMap<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> spenders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            spenders.add(pool.submit(() -> {
                for (int i = offset; running.get(); i += 4) {
                    String tenant = busy.get(i % busy.size());
                    var r = reserve(tenant, 300, "dec-" + tenant + "-" + i);
                    statuses.merge(r.statusCode(), 1, Integer::sum);
                    if (r.statusCode() == 200) {
                        statuses.merge(release(r.path("holdId")).statusCode(), 1, Integer::sum);
                    }
                }
            }));
        }
        LedgerInvariants tables = new LedgerInvariants(db);
        List<String> all = new ArrayList<>(busy);
        all.addAll(idle);
        String inList = String.join(",", all.stream().map(t -> "'" + t + "'").toList());
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> tables.single(
                "select count(*) from ai_credit_accounts where tenant_id in (" + inList + ") "
                        + "and (reset_month is null or reset_month < '2026-12')") == 0);
        running.set(false);
        for (Future<?> f : spenders) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(statuses).as("every reserve and release after midnight succeeded").containsOnlyKeys(200);
        for (String tenant : all) {
            UUID account = accountId(tenant);
            assertThat(resetRows(account)).as("one December reset for " + tenant).isEqualTo(1);
            assertThat(tables.single("select count(*) from ai_credit_transactions where account_id = ? "
                    + "and idempotency_key = 'monthly-free:2026-12'", account)).isEqualTo(1);
            tables.assertHoldFor(tenant);
        }
        for (String tenant : idle) { // never touched after midnight: the job did it
            assertThat(tables.single("select count(*) from monthly_credit_resets r join ai_credit_accounts a "
                    + "on a.id = r.account_id where a.tenant_id = ? and r.reset_month = '2026-12' "
                    + "and r.previous_balance = 0 and r.free_credits_added = 500", tenant)).isEqualTo(1);
        }
        assertThat(LedgerApi.available(busy.get(0))).isEqualTo(500);
    }

    private Object touch(Ledger replica, String tenant) {
        return await(() -> replica.submit(new LedgerOp.Touch(tenant)));
    }

    private static <T> T await(java.util.function.Supplier<Uni<T>> uni) {
        try {
            return VertxContextSupport.subscribeAndAwait(uni);
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
