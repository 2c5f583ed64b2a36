// Ledger benchmark (issue "ledger core"): run by dev/bench-ledger against a running credit-service.
// A single-file Java program (java LedgerBench.java ...): JDK only, so it needs no build.
// Prints, in one run: reserve+capture pairs/s with p50/p99 for one hot account and for many accounts,
// the same mix as naive SQL through pgbench on the same PostgreSQL and the ratio, balance reads/s and
// p99 with the ledger table filled to N rows, CPU per operation, and credit-service's idle CPU.

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class LedgerBench {

    static final Pattern HOLD = Pattern.compile("\"holdId\":\"([0-9a-f-]{36})\"");
    static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    final Map<String, String> opt;
    final String base;
    final PrivateKey key;
    final PrivateKey serviceKey;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final int clients;
    final int seconds;
    final long pid;
    final String run = Long.toString(System.currentTimeMillis() / 1000, 36);
    String serviceToken;

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new LedgerBench(opt).runAll();
    }

    LedgerBench(Map<String, String> opt) throws Exception {
        this.opt = opt;
        base = opt.getOrDefault("url", "http://127.0.0.1:8081");
        clients = Integer.parseInt(opt.getOrDefault("clients", "8"));
        seconds = Integer.parseInt(opt.getOrDefault("seconds", "20"));
        pid = Long.parseLong(opt.getOrDefault("pid", "0"));
        key = privateKey(opt.getOrDefault("key", ".dev/jwt/private.pem"));
        serviceKey = privateKey(opt.getOrDefault("service-key", ".dev/jwt/gateway-private.pem"));
    }

    static PrivateKey privateKey(String location) throws Exception {
        String pem = Files.readString(Path.of(location)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    record Result(String name, long ops, double seconds, long[] latenciesNanos, long errors, double serviceCpu,
                  double machineCpu, double postgresCpu, double clientCpu) {
        double rate() {
            return ops / seconds;
        }

        double pct(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            return latenciesNanos[(int) Math.min(latenciesNanos.length - 1, Math.ceil(p * latenciesNanos.length) - 1)] / 1e6;
        }
    }

    void runAll() throws Exception {
        serviceToken = token("service", null);
        int accounts = Integer.parseInt(opt.getOrDefault("accounts", "1000"));
        String hot = "bench-hot-" + run;
        List<String> spread = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            spread.add("bench-" + run + "-" + i);
        }
        System.out.printf("credit-service %s, %d clients, %d s per phase, run %s%n", base, clients, seconds, run);
        System.out.print("funding accounts … ");
        fund(List.of(hot));
        fund(spread);
        System.out.println("done");

        int warm = Integer.parseInt(opt.getOrDefault("warm-up-seconds", "10")); // the JIT compiles the hot paths first
        pairs("warm-up (hot)", List.of(hot), warm);
        pairs("warm-up (spread)", spread, warm);
        analyzeIfNoAutovacuum();
        Result hotPairs = pairs("hot account: reserve+capture pairs", List.of(hot), seconds);
        Result spreadPairs = pairs(accounts + " accounts: reserve+capture pairs", spread, seconds);
        double[] machine0 = machineCpu();
        double naiveHot = pgbench(1);
        double[] machine1 = machineCpu();
        double naiveSpread = pgbench(accounts);
        double[] machine2 = machineCpu();
        // pgbench runs `seconds` long: its whole-machine CPU per pair, beside ours
        double naiveHotCpu = (machine1[0] - machine0[0]) * 1000 / (naiveHot * seconds);
        double naiveSpreadCpu = (machine2[0] - machine1[0]) * 1000 / (naiveSpread * seconds);

        long rows = ledgerRows();
        long wanted = Long.parseLong(opt.getOrDefault("ledger-rows", "10000000"));
        if (rows < wanted) {
            System.out.printf("filling the ledger table from %,d to %,d rows (offsetting ±1 entries) …%n", rows, wanted);
            fill(spread, wanted - rows);
            rows = ledgerRows();
        }
        Map<String, String> staff = new ConcurrentHashMap<>();
        for (String t : spread) {
            staff.put(t, token("staff", t));
        }
        reads("warm-up reads", spread, staff, warm);
        Result reads = reads("balance reads", spread, staff, seconds);
        double idle = idleCpu(Integer.parseInt(opt.getOrDefault("idle-seconds", "30")));

        System.out.println();
        System.out.println("| measure | credit-service | naive SQL (pgbench) | ratio |");
        System.out.println("|---|---|---|---|");
        row("hot account, pairs/s", hotPairs, naiveHot);
        row(accounts + " accounts, pairs/s", spreadPairs, naiveSpread);
        System.out.printf(Locale.ROOT, "| balance reads/s (%,d ledger rows) | %.0f (p50 %.2f ms, p99 %.2f ms, %d errors) | | |%n",
                rows, reads.rate(), reads.pct(0.5), reads.pct(0.99), reads.errors());
        System.out.printf(Locale.ROOT, "| CPU per pair, credit-service / PostgreSQL / load generator / whole machine "
                        + "| hot %.2f / %.2f / %.2f / %.2f ms; spread %.2f / %.2f / %.2f / %.2f ms "
                        + "| whole machine: hot %.2f ms, spread %.2f ms | |%n",
                cpuPer(hotPairs.serviceCpu(), hotPairs), cpuPer(hotPairs.postgresCpu(), hotPairs),
                cpuPer(hotPairs.clientCpu(), hotPairs), cpuPer(hotPairs.machineCpu(), hotPairs),
                cpuPer(spreadPairs.serviceCpu(), spreadPairs), cpuPer(spreadPairs.postgresCpu(), spreadPairs),
                cpuPer(spreadPairs.clientCpu(), spreadPairs), cpuPer(spreadPairs.machineCpu(), spreadPairs),
                naiveHotCpu, naiveSpreadCpu);
        System.out.printf(Locale.ROOT, "| CPU per balance read, credit-service / whole machine | %.3f / %.3f ms | | |%n",
                cpuPer(reads.serviceCpu(), reads), cpuPer(reads.machineCpu(), reads));
        System.out.printf(Locale.ROOT, "| credit-service idle | %.2f %% of a core | | |%n", idle * 100);
    }

    static double cpuPer(double cpuSeconds, Result r) {
        return r.ops() == 0 ? Double.NaN : cpuSeconds * 1000 / r.ops();
    }

    static void row(String name, Result r, double naive) {
        System.out.printf(Locale.ROOT, "| %s | %.0f (p50 %.1f ms, p99 %.1f ms, %d errors) | %.0f | %.2f× |%n",
                name, r.rate(), r.pct(0.5), r.pct(0.99), r.errors(), naive, r.rate() / naive);
    }

    void fund(List<String> tenants) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicLong failed = new AtomicLong();
        for (String t : tenants) {
            pool.submit(() -> {
                String body = "{\"tenantId\":\"" + t + "\",\"source\":\"BONUS\",\"credits\":10000000,"
                        + "\"idempotencyKey\":\"bench-fund-" + t + "\",\"description\":\"benchmark\"}";
                if (post("/internal/v1/grants", body).statusCode() != 200) {
                    failed.incrementAndGet();
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " accounts could not be funded");
        }
    }

    Result pairs(String name, List<String> tenants, int secs) throws Exception {
        return closedLoop(name, secs, () -> {
            String tenant = tenants.get(ThreadLocalRandom.current().nextInt(tenants.size()));
            String key = UUID.randomUUID().toString();
            HttpResponse<String> r = post("/internal/v1/holds", "{\"tenantId\":\"" + tenant + "\",\"amount\":10,"
                    + "\"functionType\":\"CHATBOT\",\"idempotencyKey\":\"" + key + "\",\"userId\":\"bench\"}");
            Matcher m = HOLD.matcher(r.body());
            if (r.statusCode() != 200 || !m.find()) {
                return false;
            }
            return post("/internal/v1/holds/" + m.group(1) + "/capture",
                    "{\"amount\":3,\"idempotencyKey\":\"c-" + key + "\",\"executionTimeMs\":12}").statusCode() == 200;
        });
    }

    Result reads(String name, List<String> tenants, Map<String, String> staff, int secs) throws Exception {
        return closedLoop(name, secs, () -> {
            String tenant = tenants.get(ThreadLocalRandom.current().nextInt(tenants.size()));
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/credits/balance"))
                    .header("Authorization", "Bearer " + staff.get(tenant)).timeout(Duration.ofSeconds(10)).GET().build();
            return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        });
    }

    interface Op {
        boolean call() throws Exception;
    }

    Result closedLoop(String name, int secs, Op op) throws Exception {
        long end = System.nanoTime() + secs * 1_000_000_000L;
        List<long[]> perThread = new ArrayList<>();
        long[] counts = new long[clients];
        long[] errors = new long[clients];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        double cpu0 = serviceCpu();
        double[] machine0 = machineCpu();
        double pg0 = postgresCpu();
        double client0 = clientCpu();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            long[] lat = new long[1 << 16];
            perThread.add(lat);
            int me = c;
            pool.submit(() -> {
                long[] mine = perThread.get(me);
                while (System.nanoTime() < end) {
                    long s = System.nanoTime();
                    boolean ok;
                    try {
                        ok = op.call();
                    } catch (Exception e) {
                        ok = false;
                    }
                    long d = System.nanoTime() - s;
                    if (ok) {
                        if (counts[me] == mine.length) {
                            mine = Arrays.copyOf(mine, mine.length * 2);
                            perThread.set(me, mine);
                        }
                        mine[(int) counts[me]++] = d;
                    } else {
                        errors[me]++;
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(secs + 60L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpu = serviceCpu() - cpu0;
        double[] machine1 = machineCpu();
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(perThread.get(c), 0, all, at, (int) counts[c]);
            at += (int) counts[c];
        }
        Arrays.sort(all);
        Result r = new Result(name, total, elapsed, all, Arrays.stream(errors).sum(), cpu,
                (machine1[0] - machine0[0]), postgresCpu() - pg0, clientCpu() - client0);
        System.out.printf(Locale.ROOT, "%-40s %8.0f/s  p50 %6.2f ms  p99 %6.2f ms  errors %d  credit-service CPU %.1f s%n",
                name, r.rate(), r.pct(0.5), r.pct(0.99), r.errors(), cpu);
        return r;
    }

    /** The naive mix on the same PostgreSQL: one transaction per reserve and per capture. */
    double pgbench(int accounts) throws Exception {
        String db = opt.getOrDefault("naive-db", "bench_naive");
        String[] conn = {"-h", "127.0.0.1", "-U", opt.getOrDefault("naive-user", "bench_naive")};
        String password = opt.getOrDefault("naive-password", "bench_naive");
        sh(password, List.of("psql", conn[0], conn[1], conn[2], conn[3], "-d", db, "-q", "-c",
                "drop table if exists naive_entry, naive_hold, naive_account; "
                        + "create table naive_account (id int primary key, balance bigint not null, held bigint not null, "
                        + "check (held <= balance)); "
                        + "create table naive_hold (id bigserial primary key, account_id int not null references naive_account, "
                        + "amount bigint not null, status char(1) not null); "
                        + "create table naive_entry (id bigserial primary key, account_id int not null references naive_account, "
                        + "amount bigint not null, created_at timestamptz not null default now()); "
                        + "insert into naive_account select g, 100000000, 0 from generate_series(1, " + accounts + ") g;"));
        Path script = Files.createTempFile("naive-pair", ".sql");
        Files.writeString(script, """
                \\set aid random(1, :accounts)
                BEGIN;
                UPDATE naive_account SET held = held + 10 WHERE id = :aid;
                INSERT INTO naive_hold (account_id, amount, status) VALUES (:aid, 10, 'P') RETURNING id AS hid \\gset
                COMMIT;
                BEGIN;
                UPDATE naive_account SET held = held - 10, balance = balance - 3 WHERE id = :aid;
                UPDATE naive_hold SET status = 'C' WHERE id = :hid;
                INSERT INTO naive_entry (account_id, amount) VALUES (:aid, -3);
                COMMIT;
                """);
        String out = sh(password, List.of("pgbench", conn[0], conn[1], conn[2], conn[3], "-n", "-M", "prepared",
                "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds), "-D", "accounts=" + accounts,
                "-f", script.toString(), db));
        Matcher m = TPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("pgbench said: " + out);
        }
        double tps = Double.parseDouble(m.group(1));
        System.out.printf(Locale.ROOT, "%-40s %8.0f/s  (pgbench, %d accounts)%n", "naive SQL pairs", tps, accounts);
        return tps;
    }

    long ledgerRows() throws Exception {
        return Long.parseLong(psqlCredit("select count(*) from ai_credit_transactions").trim());
    }

    /** Offsetting +1/-1 ADJUSTMENT entries on the benchmark's accounts: Σ entries, and so the balance, stay as they are. */
    void fill(List<String> tenants, long rows) throws Exception {
        long pairs = (rows + 1) / 2;
        long step = 500_000;
        for (long done = 0; done < pairs; done += step) {
            long n = Math.min(step, pairs - done);
            psqlCredit("insert into ai_credit_transactions (id, account_id, transaction_type, credits_amount, balance_after, "
                    + "description, created_at) select gen_random_uuid(), a.id, 'ADJUSTMENT', s.sign, 0, 'benchmark filler', "
                    + "now() - (g % 2592000) * interval '1 second' from generate_series(1, " + n + ") g "
                    + "cross join (values (1), (-1)) s(sign) "
                    + "join ai_credit_accounts a on a.tenant_id = 'bench-" + run + "-' || (g % " + tenants.size() + ")");
            System.out.printf("  %,d rows%n", (done + n) * 2);
        }
        // Statistics as autovacuum keeps them for a table that grew gradually: the reads after the fill
        // measure the ledger, not the planner's guess about a table it last saw small.
        psqlCredit("analyze ai_credit_transactions");
    }

    /**
     * Where autovacuum is off (this project's CI image turns it off), the ledger tables keep the statistics
     * of when they were empty, the planner picks sequential scans for the batch loads and PostgreSQL's CPU
     * grows with every benchmark run. Analyzing them does what autovacuum does in production.
     */
    void analyzeIfNoAutovacuum() throws Exception {
        if (psqlCredit("show autovacuum").trim().equals("off")) {
            System.out.println("autovacuum is off on this PostgreSQL: analyzing the ledger tables, as it would");
            psqlCredit("analyze ai_credit_accounts, credit_holds, credit_grants, ai_credit_transactions, daily_usage, "
                    + "outbox_event, system_events");
        }
    }

    String psqlCredit(String sql) throws Exception {
        return sh(opt.getOrDefault("db-password", "credit"), List.of("psql", "-h", "127.0.0.1", "-U",
                opt.getOrDefault("db-user", "credit"), "-d",
                opt.getOrDefault("db", "credit"), "-At", "-c", sql));
    }

    double idleCpu(int secs) throws Exception {
        if (pid == 0 || secs == 0) {
            return Double.NaN;
        }
        Thread.sleep(Long.parseLong(opt.getOrDefault("idle-settle-seconds", "20")) * 1000); // the JIT finishes first
        double c0 = serviceCpu();
        long t0 = System.nanoTime();
        Thread.sleep(secs * 1000L);
        double share = (serviceCpu() - c0) / ((System.nanoTime() - t0) / 1e9);
        System.out.printf(Locale.ROOT, "%-40s %8.2f %% of a core over %d s%n", "credit-service idle", share * 100, secs);
        return share;
    }

    double serviceCpu() throws IOException {
        if (pid == 0) {
            return Double.NaN;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, in ticks of 1/100 s
    }

    /** CPU seconds of all PostgreSQL processes (postmaster and backends) so far. */
    static double postgresCpu() throws IOException {
        long ticks = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) dirs.filter(d -> d.getFileName().toString().matches("\\d+"))::iterator) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    if (stat.contains("(postgres)")) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        // and cutime + cstime: backends that ended count in the postmaster's, not nowhere
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                    }
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return ticks / 100.0;
    }

    /** CPU seconds of this load generator so far. */
    static double clientCpu() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** Busy CPU seconds of the whole machine (all cores) so far. */
    static double[] machineCpu() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length; i++) {
            if (i != 4 && i != 5) { // not idle, not iowait
                busy += Long.parseLong(f[i]);
            }
        }
        return new double[] {busy / 100.0};
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + serviceToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** A token like dev/token's: RS256 with the local suite's test-only keys (service tokens are the gateway's). */
    String token(String role, String tenant) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        boolean service = role.equals("service");
        String issuer = service ? opt.getOrDefault("service-issuer", "https://ai-gateway-service.aicredit.internal")
                : opt.getOrDefault("issuer", "https://auth.hotelcrm.local");
        String payload = "{\"iss\":\"" + issuer + "\",\"sub\":\"bench-"
                + role + "\",\"upn\":\"bench-" + role + "\"" + (tenant == null ? "" : ",\"tenant_id\":\"" + tenant + "\"")
                + ",\"groups\":[\"" + role + "\"],\"iat\":" + now + ",\"exp\":" + (now + 7200) + ",\"jti\":\""
                + UUID.randomUUID() + "\"}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String unsigned = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(service ? serviceKey : key);
        s.update(unsigned.getBytes(StandardCharsets.US_ASCII));
        return unsigned + "." + b64.encodeToString(s.sign());
    }

    static String sh(String password, List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", password);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
