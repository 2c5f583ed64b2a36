import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open-loop load on POST /api/v1/ai/execute (chatbot) at fixed rates, spread over many tenants and users:
 * requests leave on a fixed schedule whether or not earlier ones have answered, and latency counts from
 * the scheduled instant (so queueing in the gateway shows, no coordinated omission). Prints p50/p99 of
 * client latency, engine time (the response's execution.engineTime) and overhead (latency − engine time)
 * and the status codes, as a Markdown table. With --llm-url it runs the same against a gateway whose
 * chatbot is an OpenAI-protocol model served here, answering after --llm-delay-ms.
 * Run by dev/bench-gateway; bounded in count and time, loopback only.
 */
public class GatewayBench {

    static final Pattern ENGINE = Pattern.compile("\"engineTime\":([0-9.]+)");
    static final Pattern CODE = Pattern.compile("\"code\":\"([A-Z_]+)\"");
    /** The services' pids by name (--pids gateway=1,credit-service=2): their CPU per request is printed. */
    static final Map<String, Long> PIDS = new java.util.LinkedHashMap<>();
    static final List<String> CPU_ROWS = new ArrayList<>();
    static final List<String> ANALYZE_DBS = new ArrayList<>();
    static final String[] QUESTIONS = {"チェックインは何時ですか", "駐車場はありますか", "朝食の時間を教えてください",
            "キャンセル料はかかりますか", "Wi-Fiは使えますか"};

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        PrivateKey key = readKey(Path.of(opt.get("key")));
        for (String db : opt.getOrDefault("analyze-dbs", "").split(",")) {
            if (!db.isBlank()) {
                ANALYZE_DBS.add(db.trim());
            }
        }
        for (String named : opt.getOrDefault("pids", "").split(",")) {
            if (named.contains("=")) {
                PIDS.put(named.substring(0, named.indexOf('=')), Long.parseLong(named.substring(named.indexOf('=') + 1)));
            }
        }
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "15"));
        int tenants = Integer.parseInt(opt.getOrDefault("tenants", "40"));
        int users = Integer.parseInt(opt.getOrDefault("users", "200"));
        int warmUp = Integer.parseInt(opt.getOrDefault("warm-up-seconds", String.valueOf(Math.max(1, seconds / 3))));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();
        System.out.println("| engine | offered req/s | sent | p50 ms | p99 ms | engine p50 | engine p99 | overhead p50 | overhead p99 | statuses |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String rate : opt.getOrDefault("rates", "100,300").split(",")) {
            run(http, opt.getOrDefault("url", "http://127.0.0.1:8082"), "built-in", Integer.parseInt(rate), seconds, warmUp,
                    tokens(key, tenants, users));
        }
        if (opt.containsKey("llm-url")) {
            HttpServer llm = fakeLlm(Integer.parseInt(opt.getOrDefault("llm-port", "18090")),
                    Long.parseLong(opt.getOrDefault("llm-delay-ms", "200")));
            try {
                for (String rate : opt.getOrDefault("llm-rates", "50,100").split(",")) {
                    run(http, opt.get("llm-url"), "LLM " + opt.getOrDefault("llm-delay-ms", "200") + " ms",
                            Integer.parseInt(rate), seconds, warmUp, tokens(key, tenants, users));
                }
            } finally {
                llm.stop(0);
            }
        }
        if (!CPU_ROWS.isEmpty()) {
            System.out.println();
            System.out.println("CPU per answered request, ms (from /proc over each measured phase):");
            System.out.println("| engine | offered req/s | " + String.join(" | ", PIDS.keySet())
                    + " | PostgreSQL | load generator | whole machine |");
            System.out.println("|---|---|" + "---|".repeat(PIDS.size() + 3));
            CPU_ROWS.forEach(System.out::println);
        }
        System.exit(0);
    }

    /** One step: a warm-up at a third of the rate (a third of the duration unless given), then the measured seconds. */
    static void run(HttpClient http, String url, String engine, int rate, int seconds, int warmUp, List<String> tokens)
            throws InterruptedException {
        fire(http, url, Math.max(1, rate / 3), warmUp, tokens, null); // warm-up (JIT, pools)
        analyzeIfNoAutovacuum();
        ConcurrentLinkedQueue<double[]> samples = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> statuses = Collections.synchronizedMap(new TreeMap<>());
        double[] before = cpu();
        int sent = fire(http, url, rate, seconds, tokens, (status, sample) -> {
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            if (sample != null) {
                samples.add(sample);
            }
        });
        double[] after = cpu();
        int answered = samples.size();
        StringBuilder row = new StringBuilder("| " + engine + " | " + rate + " |");
        for (int i = 0; i < before.length; i++) {
            row.append(String.format(java.util.Locale.ROOT, " %.2f |", (after[i] - before[i]) * 1000 / Math.max(1, answered)));
        }
        CPU_ROWS.add(row.toString());
        List<Double> latency = new ArrayList<>();
        List<Double> engineTimes = new ArrayList<>();
        List<Double> overhead = new ArrayList<>();
        for (double[] s : samples) {
            latency.add(s[0]);
            if (s[1] >= 0) {
                engineTimes.add(s[1]);
                overhead.add(s[0] - s[1]);
            }
        }
        System.out.printf("| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s |%n", engine, rate, sent,
                pct(latency, 50), pct(latency, 99), pct(engineTimes, 50), pct(engineTimes, 99), pct(overhead, 50),
                pct(overhead, 99), statuses);
    }

    interface Sink {
        void record(String status, double[] latencyAndEngine);
    }

    /** Sends rate × seconds requests on schedule; waits (bounded) for the answers. */
    static int fire(HttpClient http, String url, int rate, int seconds, List<String> tokens, Sink sink)
            throws InterruptedException {
        long interval = 1_000_000_000L / rate;
        int total = rate * seconds;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int skipped = 0;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (inFlight.get() >= 4000) { // the gateway is far behind: count it, do not pile on
                skipped++;
                done.incrementAndGet();
                if (sink != null) {
                    sink.record("not-sent", null);
                }
                continue;
            }
            String body = "{\"functionType\":\"chatbot\",\"parameters\":{\"input\":\"" + QUESTIONS[i % QUESTIONS.length]
                    + "\",\"maxTokens\":50}}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/ai/execute"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + tokens.get(i % tokens.size()))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            inFlight.incrementAndGet();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                double ms = (System.nanoTime() - due) / 1e6;
                inFlight.decrementAndGet();
                done.incrementAndGet();
                if (sink == null) {
                    return;
                }
                if (error != null) {
                    sink.record(error.getClass().getSimpleName(), null);
                    return;
                }
                Matcher m = ENGINE.matcher(response.body());
                Matcher code = CODE.matcher(response.body());
                String status = response.statusCode() == 200 || !code.find() ? String.valueOf(response.statusCode())
                        : response.statusCode() + " " + code.group(1); // which refusal: the problem's code
                sink.record(status,
                        new double[] {ms, m.find() ? Double.parseDouble(m.group(1)) : -1});
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (done.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(50); // draining the last answers, bounded
        }
        return total - skipped;
    }

    /**
     * Without autovacuum (this machine's PostgreSQL runs so) the tables the warm-up filled keep the statistics of
     * when they were empty, and the planner scans them; autovacuum would analyze them as they grow. So analyze
     * the services' databases (--analyze-dbs, each with its own user of the same name and password) first.
     */
    static void analyzeIfNoAutovacuum() throws InterruptedException {
        for (String db : ANALYZE_DBS) {
            try {
                ProcessBuilder psql = new ProcessBuilder("sh", "-c", "[ \"$(psql -h 127.0.0.1 -U " + db + " -d " + db
                        + " -Atc 'show autovacuum')\" = off ] && psql -h 127.0.0.1 -U " + db + " -d " + db
                        + " -qc analyze").redirectErrorStream(true);
                psql.environment().put("PGPASSWORD", db);
                Process p = psql.start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) {
                    System.err.println("autovacuum is off: analyzed database " + db + " after the warm-up, as it would");
                }
            } catch (IOException e) {
                System.err.println("could not analyze " + db + ": " + e.getMessage());
            }
        }
    }

    /** CPU seconds so far: each named service, all PostgreSQL processes, this load generator, the whole machine. */
    static double[] cpu() {
        double[] v = new double[PIDS.size() + 3];
        int i = 0;
        for (long pid : PIDS.values()) {
            v[i++] = ticks(Path.of("/proc/" + pid + "/stat")) / 100.0;
        }
        long postgres = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) dirs.filter(d -> d.getFileName().toString().matches("\\d+"))::iterator) {
                try {
                    if (Files.readString(dir.resolve("stat")).contains("(postgres)")) {
                        postgres += ticks(dir.resolve("stat"), true);
                    }
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            postgres = -1;
        }
        v[i++] = postgres / 100.0;
        v[i++] = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int k = 1; k < f.length; k++) {
                if (k != 4 && k != 5) { // not idle, not iowait
                    busy += Long.parseLong(f[k]);
                }
            }
            v[i] = busy / 100.0;
        } catch (IOException e) {
            v[i] = Double.NaN;
        }
        return v;
    }

    /** utime + stime of a process, in ticks of 1/100 s (0 if it is gone). */
    static long ticks(Path stat) {
        return ticks(stat, false);
    }

    /**
     * With {@code reaped}, cutime + cstime too: the CPU of children that ended and were reaped (PostgreSQL backends
     * that closed count in the postmaster's), without which a backend closing during a phase made PostgreSQL's
     * figure fall, even below 0.
     */
    static long ticks(Path stat, boolean reaped) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return reaped ? own + Long.parseLong(f[13]) + Long.parseLong(f[14]) : own;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static String pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return "–";
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double v = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
        return v < 10 ? String.format("%.2f", v) : String.format("%.0f", v);
    }

    /** Staff tokens for users spread over fresh tenants (fresh accounts with their free credits, no rate limits hit). */
    static List<String> tokens(PrivateKey key, int tenants, int users) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> tokens = new ArrayList<>();
        long now = System.currentTimeMillis() / 1000;
        for (int u = 0; u < users; u++) {
            String tenant = "bench-" + run + "-" + (u % tenants);
            String payload = "{\"iss\":\"https://auth.hotelcrm.local\",\"sub\":\"user-" + u + "\",\"tenant_id\":\"" + tenant
                    + "\",\"groups\":[\"staff\"],\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}";
            String unsigned = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(payload);
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(unsigned.getBytes(StandardCharsets.UTF_8));
            tokens.add(unsigned + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign()));
        }
        return tokens;
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static PrivateKey readKey(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** An OpenAI-protocol chat completions endpoint that answers after a fixed delay (test-only, loopback). */
    static HttpServer fakeLlm(int port, long delayMs) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        var timer = Executors.newScheduledThreadPool(2);
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            timer.schedule(() -> {
                byte[] body = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1764000000,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":"
                        + "{\"role\":\"assistant\",\"content\":\"ベンチマークの回答です。\"}}],\"usage\":{\"prompt_tokens\":40,"
                        + "\"completion_tokens\":12,\"total_tokens\":52}}").getBytes(StandardCharsets.UTF_8);
                try (OutputStream out = exchange.getResponseBody()) {
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    out.write(body);
                } catch (IOException ignored) {
                    // the gateway gave up
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return server;
    }
}
