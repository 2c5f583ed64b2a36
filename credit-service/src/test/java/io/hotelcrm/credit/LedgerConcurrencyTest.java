package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The ledger invariants under concurrent load, against real PostgreSQL (design.md §3). */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
class LedgerConcurrencyTest {

    private static final Pattern HOLD_ID = Pattern.compile("\"holdId\":\"([0-9a-f-]{36})\"");

    @Inject
    AgroalDataSource db;

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void twoHundredConcurrentReservesOfTwoOnAHundredAvailableLetExactlyFiftyThrough() throws Exception {
        String tenant = newTenant();
        open(tenant); // 500 free credits
        assertThat(status(post("/internal/v1/holds", reserveBody(tenant, 400, "pin-400")))).isEqualTo(200);
        LedgerInvariants ledger = new LedgerInvariants(db);
        assertThat(available(ledger, tenant)).isEqualTo(100);

        AtomicBoolean running = new AtomicBoolean(true);
        List<Long> samples = new CopyOnWriteArrayList<>();
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                try {
                    samples.add(available(ledger, tenant));
                } catch (Exception e) {
                    return;
                }
            }
        });
        sampler.start();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String body = reserveBody(tenant, 2, "burst-" + i);
            calls.add(pool.submit(() -> status(post("/internal/v1/holds", body))));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> call : calls) {
            statuses.add(call.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
        running.set(false);
        sampler.join();

        assertThat(Collections.frequency(statuses, 200)).isEqualTo(50);
        assertThat(Collections.frequency(statuses, 402)).isEqualTo(150);
        assertThat(available(ledger, tenant)).isZero();
        assertThat(samples).isNotEmpty().allSatisfy(a -> assertThat(a).isGreaterThanOrEqualTo(0));
        ledger.assertHoldFor(tenant);
    }

    /**
     * A seeded, repeatable random mix of reserves, captures, releases, grants (some already expired, so
     * expiry runs too) and sweeps from many threads: the invariants hold afterwards.
     */
    @Test
    void aSeededRandomMixKeepsEveryInvariant() throws Exception {
        String tenant = newTenant();
        open(tenant);
        long seed = Long.getLong("ledger.seed", 20261124L);
        int threads = 8;
        int opsPerThread = 40;
        Map<String, Boolean> holds = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(seed + t);
            int worker = t;
            workers.add(pool.submit(() -> {
                for (int i = 0; i < opsPerThread; i++) {
                    String key = "mix-" + worker + "-" + i;
                    int op = random.nextInt(10);
                    if (op < 5) {
                        String body = post("/internal/v1/holds", reserveBody(tenant, 1 + random.nextInt(20), key)).body();
                        Matcher m = HOLD_ID.matcher(body);
                        if (m.find()) {
                            holds.put(m.group(1), Boolean.TRUE);
                        }
                    } else if (op < 7 && !holds.isEmpty()) {
                        String hold = pick(holds, random);
                        post("/internal/v1/holds/" + hold + "/capture",
                                "{\"amount\":" + (1 + random.nextInt(20)) + ",\"idempotencyKey\":\"" + key + "\"}");
                    } else if (op < 8 && !holds.isEmpty()) {
                        post("/internal/v1/holds/" + pick(holds, random) + "/release", "{}");
                    } else {
                        String expiry = random.nextBoolean() ? "\"2020-01-01T00:00:00Z\"" : "null";
                        post("/internal/v1/grants", "{\"tenantId\":\"" + tenant + "\",\"source\":\"BONUS\",\"credits\":"
                                + (1 + random.nextInt(30)) + ",\"idempotencyKey\":\"" + key + "\",\"expiresAt\":" + expiry + "}");
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get(180, TimeUnit.SECONDS);
        }
        pool.shutdown();
        new LedgerInvariants(db).assertHoldFor(tenant);
    }

    private static String pick(Map<String, Boolean> holds, Random random) {
        List<String> ids = new ArrayList<>(holds.keySet());
        Collections.sort(ids);
        return ids.get(random.nextInt(ids.size()));
    }

    private static long available(LedgerInvariants ledger, String tenant) throws Exception {
        return ledger.single("select current_balance - held_credits from ai_credit_accounts where tenant_id = ?", tenant);
    }

    private static String reserveBody(String tenant, long amount, String key) {
        return "{\"tenantId\":\"" + tenant + "\",\"amount\":" + amount + ",\"functionType\":\"CHATBOT\",\"idempotencyKey\":\""
                + key + "\"}";
    }

    private HttpResponse<String> post(String path, String json) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                    .header("Authorization", "Bearer " + LedgerApi.SERVICE)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int status(HttpResponse<String> response) {
        return response.statusCode();
    }
}
