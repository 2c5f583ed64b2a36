package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.capture;
import static io.hotelcrm.credit.LedgerApi.charge;
import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static io.hotelcrm.credit.LedgerApi.release;
import static io.hotelcrm.credit.LedgerApi.reserve;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.contracts.billing.PlanChanged;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.hotelcrm.testsupport.TestEventProducer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mix that used to corrupt accounts: reserves, captures, releases and expiries on a few accounts
 * while payments (delivered up to three times, shuffled), refunds, plan changes and Tokyo's month turn
 * arrive. The op sequence comes from a seed ({@code -Dledger.seed=N} to try another); the invariants are
 * computed from the tables, independently of the ledger's code.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class LedgerInterleavingTest {

    static final long SEED = Long.getLong("ledger.seed", 20261201L);
    static final Instant DECEMBER_JST = Instant.parse("2026-11-30T15:00:00Z");
    static final String CONSUMER = "credit-service/billing-events";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;
    @Inject
    AgroalDataSource db;
    @Inject
    MutableClock clock;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void paymentsRefundsPlanChangesAndTheMonthsTurnWhileHoldsAreReservedCapturedReleasedAndExpired() throws Exception {
        clock.set(DECEMBER_JST.minusSeconds(90));
        Random plan = new Random(SEED);
        List<String> tenants = List.of(newTenant(), newTenant(), newTenant(), newTenant());
        tenants.forEach(LedgerApi::open);

        // The billing events, from the seed: payments, refunds of earlier payments, plan changes.
        List<EventEnvelope> deliveries = new ArrayList<>();
        Set<String> eventIds = new HashSet<>();
        Map<String, Long> paidPerTenant = new HashMap<>();
        Map<String, Integer> paymentsPerTenant = new HashMap<>();
        List<String[]> payments = new ArrayList<>(); // tenant, paymentId, credits
        String[] plans = {"ESSENTIAL", "PROFESSIONAL", "ENTERPRISE"};
        for (int i = 0; i < 90; i++) {
            String tenant = tenants.get(plan.nextInt(tenants.size()));
            double kind = plan.nextDouble();
            EventEnvelope e;
            if (kind < 0.55 || payments.isEmpty()) {
                long credits = 10 + plan.nextInt(190);
                String paymentId = "pi_mix_" + SEED + "_" + i;
                payments.add(new String[] {tenant, paymentId, Long.toString(credits)});
                paidPerTenant.merge(tenant, credits, Long::sum);
                paymentsPerTenant.merge(tenant, 1, Integer::sum);
                e = EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(), new PaymentSucceeded(
                        paymentId, "pur_" + i, "pkg_mix", credits, credits * 10, "dashboard", "stripe", null));
            } else if (kind < 0.8) {
                String[] paid = payments.get(plan.nextInt(payments.size()));
                long credits = 1 + plan.nextInt(Integer.parseInt(paid[2]));
                e = EventEnvelope.wrap(EventType.PaymentRefunded, paid[0], Instant.now(), new PaymentRefunded(
                        paid[1], "re_mix_" + SEED + "_" + i, credits * 10, credits));
            } else {
                String from = plans[plan.nextInt(3)];
                String to = plans[plan.nextInt(3)];
                e = EventEnvelope.wrap(EventType.PlanChanged, tenant, Instant.now(), new PlanChanged(from, to,
                        DECEMBER_JST.minusSeconds(3600).plusSeconds(i), "sub_" + tenant));
            }
            eventIds.add(e.id().toString());
            int copies = 1 + plan.nextInt(3);
            for (int c = 0; c < copies; c++) {
                deliveries.add(e);
            }
        }
        for (int i = 0; i + 3 <= deliveries.size(); i += 3) { // shuffled within windows of three
            Collections.shuffle(deliveries.subList(i, i + 3), plan);
        }

        // The spenders: each worker's choices come from its own seeded generator.
        List<String> unexpected = new CopyOnWriteArrayList<>();
        Map<String, Integer> statuses = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(7);
        List<Future<?>> work = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            Random r = new Random(SEED * 31 + w);
            int worker = w;
            work.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    String tenant = tenants.get(r.nextInt(tenants.size()));
                    long amount = 1 + r.nextInt(150);
                    Integer timeout = r.nextDouble() < 0.15 ? 1 : 60;
                    if (r.nextDouble() < 0.2) { // a built-in engine's answer: reserved and captured in one
                        note(statuses, unexpected, "charge", charge(tenant, amount, 1 + r.nextInt((int) amount),
                                "mix-" + worker + "-" + i), 200, 402);
                        continue;
                    }
                    Response reserved = reserve(tenant, amount, "mix-" + worker + "-" + i, timeout);
                    note(statuses, unexpected, "reserve", reserved, 200, 402);
                    if (reserved.statusCode() != 200) {
                        continue;
                    }
                    String hold = reserved.path("holdId");
                    double next = r.nextDouble();
                    if (next < 0.55) {
                        note(statuses, unexpected, "capture", capture(hold, 1 + r.nextInt((int) amount),
                                "mix-cap-" + worker + "-" + i), 200, 409);
                    } else if (next < 0.8) {
                        note(statuses, unexpected, "release", release(hold), 200);
                    } // else abandoned: the sweeper expires it
                }
            }));
        }
        work.add(pool.submit(() -> {
            try (TestEventProducer producer = new TestEventProducer(kafka)) {
                for (int i = 0; i < deliveries.size(); i++) {
                    producer.send(deliveries.get(i));
                    if (i == deliveries.size() / 2) {
                        clock.set(DECEMBER_JST.plusSeconds(1)); // Tokyo's month turns in the middle of it all
                    }
                }
            }
        }));
        for (Future<?> f : work) {
            f.get(180, TimeUnit.SECONDS);
        }
        pool.shutdown();

        LedgerInvariants tables = new LedgerInvariants(db);
        String inEvents = String.join(",", eventIds.stream().map(id -> "'" + id + "'").toList());
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> tables.single(
                "select count(*) from processed_event where consumer = ? and event_id::text in (" + inEvents + ")",
                CONSUMER) == eventIds.size());
        clock.set(DECEMBER_JST.plusSeconds(7200)); // every hold is past its timeout now: the sweeper resolves them
        String inTenants = String.join(",", tenants.stream().map(t -> "'" + t + "'").toList());
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> tables.single(
                "select count(*) from credit_holds h join ai_credit_accounts a on a.id = h.account_id "
                        + "where a.tenant_id in (" + inTenants + ") and h.status = 'PENDING'") == 0);

        System.out.printf("ledger interleaving, seed %d: %d deliveries of %d events; answers %s%n", SEED,
                deliveries.size(), eventIds.size(), new java.util.TreeMap<>(statuses));
        assertThat(unexpected).as("answers other than the expected ones (seed " + SEED + ")").isEmpty();
        assertThat(statuses.get("capture 200")).as("some captures went through").isPositive();
        assertThat(statuses.get("charge 200")).as("some charges went through").isPositive();
        for (String tenant : tenants) {
            tables.assertHoldFor(tenant);
            assertThat(tables.single("select count(*) from ai_credit_transactions t join ai_credit_accounts a "
                    + "on a.id = t.account_id where a.tenant_id = ? and t.transaction_type = 'PURCHASE'", tenant))
                    .as("each payment granted once").isEqualTo((long) paymentsPerTenant.getOrDefault(tenant, 0));
            assertThat(tables.single("select coalesce(sum(t.credits_amount), 0) from ai_credit_transactions t "
                    + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id = ? "
                    + "and t.transaction_type = 'PURCHASE'", tenant)).isEqualTo(paidPerTenant.getOrDefault(tenant, 0L));
            assertThat(tables.single("select count(*) from (select t.idempotency_key from ai_credit_transactions t "
                    + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id = ? "
                    + "and t.transaction_type = 'REFUND' group by t.idempotency_key having count(*) > 1) x", tenant))
                    .as("each refund taken back at most once").isZero();
            assertThat(tables.single("select coalesce(-sum(t.credits_amount), 0) from ai_credit_transactions t "
                    + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id = ? "
                    + "and t.transaction_type = 'USAGE'", tenant))
                    .as("usage entries = captured amounts of the holds").isEqualTo(tables.single(
                            "select coalesce(sum(h.captured_amount), 0) from credit_holds h join ai_credit_accounts a "
                                    + "on a.id = h.account_id where a.tenant_id = ? and h.status = 'CAPTURED'", tenant));
            assertThat(tables.single("select count(*) from credit_holds h join ai_credit_accounts a on a.id = h.account_id "
                    + "where a.tenant_id = ? and h.status <> 'CAPTURED' and exists (select 1 from ai_credit_transactions t "
                    + "where t.reference_id = h.id::text and t.transaction_type = 'USAGE')", tenant))
                    .as("no released or expired hold was charged").isZero();
            assertThat(tables.single("select count(*) from monthly_credit_resets r join ai_credit_accounts a "
                    + "on a.id = r.account_id where a.tenant_id = ? and r.reset_month = '2026-12'", tenant))
                    .as("one December reset").isEqualTo(1);
            assertThat(open(tenant)).as("available ≥ 0").isGreaterThanOrEqualTo(0);
        }
    }

    private static void note(Map<String, Integer> statuses, List<String> unexpected, String op, Response r,
                             int... expected) {
        statuses.merge(op + " " + r.statusCode(), 1, Integer::sum);
        for (int e : expected) {
            if (r.statusCode() == e) {
                return;
            }
        }
        unexpected.add(op + " " + r.statusCode() + " " + r.asString());
    }
}
