package io.hotelcrm.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.testsupport.LocalBroker;
import io.hotelcrm.testsupport.ServiceProcess;
import io.hotelcrm.testsupport.TestJwt;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The contract between the services and the Helm chart's monitoring: the probe paths the Deployments use
 * answer, and every metric named in the Grafana dashboards and the PrometheusRule is one that a running
 * service exports on {@code /q/metrics}. Counters that appear on first use are triggered through the real
 * APIs (a ledger round trip, a timed-out hold, a refused reservation, an expired grant, AI executions and
 * rate-limit rejections of the gateway and of the platform) before the comparison.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsContractIT {

    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Map<String, String> PUBLIC_PATHS = Map.of(
            "credit-service", "/api/v1/credits/balance",
            "ai-gateway-service", "/api/v1/ai/functions",
            "billing-service", "/api/v1/credits/packages",
            "alert-service", "/api/v1/alerts");
    /**
     * Series the rules may name that no service of ours exports: Prometheus' own {@code up}. Nothing else:
     * a dashboard or rule that needs kube-state-metrics or the Kafka Exporter must be added here knowingly.
     */
    private static final Set<String> FROM_PROMETHEUS = Set.of("up");

    static LocalBroker kafka;
    static final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    @BeforeAll
    static void startSuite() throws Exception {
        kafka = LocalBroker.start("metrics", 19096);
        Path keys = Files.createDirectories(Path.of("target/metrics-contract"));
        Path publicKey = keys.resolve("jwt-public.pem");
        Files.writeString(publicKey, TestJwt.publicKeyPem()); // test-only key pair of this JVM
        for (String name : List.of("credit-service", "ai-gateway-service", "billing-service", "alert-service")) {
            Map<String, String> env = ServiceEnv.of(name, kafka, publicKey);
            peerUrls(env);
            if (name.equals("ai-gateway-service")) {
                // One chatbot execution an hour per user, so the second one meets the rate limiter
                env.put("GATEWAY_LIMITS_HOURLY_CHATBOT", "1");
            }
            if (name.equals("credit-service")) {
                env.put("API_LIMIT_ANALYTICS", "1"); // the second analytics read meets the platform's API limit
            }
            if (name.equals("billing-service")) {
                env.put("STRIPE_WEBHOOK_SECRET", "whsec_TEST_ONLY_metrics_contract"); // test-only, never a real secret
            }
            services.put(name, ServiceProcess.start(name, env));
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(STARTUP);
        }
    }

    private static void peerUrls(Map<String, String> env) {
        if (services.containsKey("credit-service")) {
            env.put("CREDIT_SERVICE_URL", services.get("credit-service").baseUrl());
        }
        if (services.containsKey("ai-gateway-service")) {
            env.put("GATEWAY_SERVICE_URL", services.get("ai-gateway-service").baseUrl());
        }
        if (services.containsKey("billing-service")) {
            env.put("BILLING_SERVICE_URL", services.get("billing-service").baseUrl());
        }
    }

    @AfterAll
    static void stopSuite() throws Exception {
        for (ServiceProcess service : services.values()) {
            service.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    @Order(1)
    void theProbePathsOfTheChartAnswerOnEveryService() {
        services.forEach((name, service) -> {
            for (String path : List.of("/q/health/started", "/q/health/live", "/q/health/ready", "/q/metrics")) {
                given().baseUri(service.baseUrl()).get(path).then().statusCode(200);
            }
        });
    }

    @Test
    @Order(2)
    void thePromqlReaderFindsMetricNamesOnly() {
        assertThat(metricNames("sum by (namespace, service) (rate(http_server_requests_seconds_count{namespace=\"x\", status=~\"5..\"}[5m]))"
                + " / ignoring(pod) sum without (uri) (rate(foo_total{a=\"b\"}[$__rate_interval] offset 5m)) > 0.05"
                + " or absent(up{service=\"credit-service\"}) and on(service) histogram_quantile(0.99, bar_bucket) * 1e3"))
                .containsExactlyInAnyOrder("http_server_requests_seconds_count", "foo_total", "up", "bar_bucket");
        assertThat(metricNames("label_values(process_uptime_seconds{namespace=\"$namespace\"}, service)"))
                .containsExactly("process_uptime_seconds");
    }

    @Test
    @Order(3)
    void everyMetricTheDashboardsAndRulesNameIsExported() throws Exception {
        Map<String, Set<String>> referenced = referencedMetrics();
        Set<String> names = new TreeSet<>();
        referenced.values().forEach(names::addAll);
        names.removeAll(FROM_PROMETHEUS);
        // Sanity: the readers found the expressions (a contract over nothing would pass vacuously).
        assertThat(referenced.keySet()).as("sources").contains("dashboard credit-flow.json", "dashboard jvm.json",
                "rules prometheusrule.yaml");
        assertThat(names).contains("outbox_oldest_unsent_age_seconds", "http_server_requests_seconds_count",
                "jvm_memory_used_bytes", "kafka_consumer_fetch_manager_records_lag_max").hasSizeGreaterThan(25);

        exerciseTheSuite();

        Awaitility.await("every referenced metric exported").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    Set<String> exported = exportedSeries();
                    // For whoever extends the dashboards: what the running suite exports
                    Files.write(Path.of("target/metrics-contract/exported-series.txt"), exported);
                    Map<String, List<String>> missing = new TreeMap<>();
                    referenced.forEach((source, metrics) -> metrics.stream()
                            .filter(m -> !FROM_PROMETHEUS.contains(m) && !exported.contains(m))
                            .forEach(m -> missing.computeIfAbsent(m, k -> new ArrayList<>()).add(source)));
                    assertThat(missing).as("metrics named in the chart that no running service exports (metric -> where)")
                            .isEmpty();
                });
    }

    /** Drives the real APIs so that the counters registered on first use exist. */
    private static void exerciseTheSuite() {
        String tenant = "met-" + UUID.randomUUID().toString().substring(0, 8);
        // http_server_requests_*: one refused call per service
        services.forEach((name, service) ->
                given().baseUri(service.baseUrl()).get(PUBLIC_PATHS.get(name)).then().statusCode(401));
        ServiceProcess credit = services.get("credit-service");
        // Account opened with its monthly grant (credits_granted_total), CreditsAdded consumed by alert-service
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/credits/balance")
                .then().statusCode(200);
        // the platform's API limit (api_rate_limit_rejections_total): one analytics read a minute here, so of three
        // reads (at most one minute boundary between them) two share a minute and the later one is refused
        List<Integer> analytics = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            analytics.add(given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.staff(tenant))
                    .get("/api/v1/credits/analytics").statusCode());
        }
        assertThat(analytics).contains(200, 429).containsOnly(200, 429);
        // reserved, captured and released
        String hold = reserve(credit, tenant, 10, "capture-" + tenant, null);
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("amount", 4, "idempotencyKey", "capture-" + tenant))
                .post("/internal/v1/holds/" + hold + "/capture").then().statusCode(200);
        // a hold nobody resolves times out (credit_holds_expired_total)
        reserve(credit, tenant, 5, "timeout-" + tenant, 1);
        // a reservation beyond the balance is refused (credits_reserve_rejected_total)
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "amount", 100_000, "functionType", "chatbot", "idempotencyKey", "big-" + tenant))
                .post("/internal/v1/holds").then().statusCode(402);
        // a bonus that expires in two seconds (credits_expired_total)
        given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "source", "BONUS", "credits", 3,
                        "expiresAt", Instant.now().plusSeconds(2).toString(), "idempotencyKey", "bonus-" + tenant))
                .post("/internal/v1/grants").then().statusCode(200);
        // a Stripe webhook with a forged signature is refused (billing_webhook_events_total)
        given().baseUri(services.get("billing-service").baseUrl()).contentType(ContentType.JSON)
                .header("Stripe-Signature", "t=" + Instant.now().getEpochSecond() + ",v1=" + "0".repeat(64))
                .body("{\"id\":\"evt_forged\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\"}")
                .post("/webhook/stripe").then().statusCode(400);
        // AI executions through the gateway (local engine), the second one over the hourly chatbot limit
        ServiceProcess gateway = services.get("ai-gateway-service");
        Map<String, Object> execute = Map.of("functionType", "chatbot",
                "parameters", Map.of("input", "チェックインは何時からですか？", "model", "local", "maxTokens", 50));
        given().baseUri(gateway.baseUrl()).auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .header("Idempotency-Key", "exec-1-" + tenant).body(execute)
                .post("/api/v1/ai/execute").then().statusCode(200);
        given().baseUri(gateway.baseUrl()).auth().oauth2(TestJwt.staff(tenant)).contentType(ContentType.JSON)
                .header("Idempotency-Key", "exec-2-" + tenant).body(execute)
                .post("/api/v1/ai/execute").then().statusCode(429);
    }

    private static String reserve(ServiceProcess credit, String tenant, int amount, String key, Integer timeoutSeconds) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("tenantId", tenant, "amount", amount,
                "functionType", "chatbot", "idempotencyKey", key));
        if (timeoutSeconds != null) {
            body.put("timeoutSeconds", timeoutSeconds);
        }
        return given().baseUri(credit.baseUrl()).auth().oauth2(TestJwt.service()).contentType(ContentType.JSON)
                .body(body).post("/internal/v1/holds").then().statusCode(200).extract().path("holdId");
    }

    /** Series names (not # HELP/# TYPE names) of the four services' /q/metrics, as Prometheus stores them. */
    private static Set<String> exportedSeries() throws Exception {
        Set<String> names = new TreeSet<>();
        Pattern series = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{|\\s)");
        for (ServiceProcess service : services.values()) {
            Matcher m = series.matcher(service.metrics());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Metric names per source: each dashboard's queries and the PrometheusRule template's expressions. */
    static Map<String, Set<String>> referencedMetrics() throws Exception {
        Path chart = LocalBroker.repositoryRoot().resolve("helm/aicredit");
        Map<String, Set<String>> out = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(chart.resolve("dashboards"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = json.readTree(file.toFile());
                Set<String> names = new TreeSet<>();
                dashboard.path("panels").findValues("expr").forEach(e -> names.addAll(metricNames(e.asText())));
                for (JsonNode variable : dashboard.path("templating").path("list")) {
                    if ("query".equals(variable.path("type").asText())) {
                        JsonNode q = variable.path("query");
                        names.addAll(metricNames(q.isObject() ? q.path("query").asText() : q.asText()));
                    }
                }
                out.put("dashboard " + file.getFileName(), names);
            }
        }
        Path rules = chart.resolve("templates/prometheusrule.yaml");
        List<String> expressions = ruleExpressions(Files.readAllLines(rules));
        long alerts = Files.readAllLines(rules).stream().filter(l -> l.trim().startsWith("- alert:")).count();
        assertThat(expressions).as("one expression per alert in " + rules).hasSize((int) alerts);
        Set<String> names = new TreeSet<>();
        expressions.forEach(e -> names.addAll(metricNames(e)));
        out.put("rules " + rules.getFileName(), names);
        return out;
    }

    /** The {@code expr:} values of a rules template, block scalars included, Helm actions removed. */
    static List<String> ruleExpressions(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = Pattern.compile("^(\\s*)expr:\\s*(.*)$").matcher(line);
            if (!m.matches()) {
                continue;
            }
            String inline = m.group(2).trim();
            if (!inline.startsWith("|") && !inline.startsWith(">")) {
                out.add(inline.replaceAll("\\{\\{.*?}}", " "));
                continue;
            }
            int indent = m.group(1).length();
            StringBuilder block = new StringBuilder();
            while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
                    || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent)) {
                block.append(lines.get(++i)).append('\n');
            }
            out.add(block.toString().replaceAll("\\{\\{.*?}}", " "));
        }
        return out;
    }

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");

    /**
     * The metric names a PromQL expression selects: string literals, label matchers, ranges, grouping label
     * lists and Grafana variables are removed; what remains that is not a function call or keyword is a
     * metric name. Names are compared as stored (with _total, _count, _sum, _max, _bucket suffixes).
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?)\\s*,\\s*\\w+\\s*\\)", "$1");
        s = s.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        s = s.replaceAll("\\{[^{}]*\\}", " ");
        s = s.replaceAll("\\[[^\\]]*\\]", " ");
        s = s.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        s = s.replaceAll("\\$\\{?\\w+}?", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(s);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
