package io.hotelcrm.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.llmstub.OpenAiProtocolServer;
import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.stripestub.TestModeServer;
import io.hotelcrm.testsupport.LocalBroker;
import io.hotelcrm.testsupport.ServiceProcess;
import io.hotelcrm.testsupport.TestJwt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser against the whole suite: the four services and the dashboard as packaged
 * processes, a Kafka broker of this test's own, the Stripe stub in test mode (with its 3-D Secure and bank
 * transfer actions), the OpenAI-protocol stub as the test-mode LLM for custom (as {@code ./dev/up} runs it; the
 * built-in engine serves the other four functions), and Debian's chromium driven by playwright-core ({@code dashboard/src/main/webui/e2e/},
 * node's test runner). The dashboard proxies the API paths as the chart's Ingress routes them.
 */
class DashboardBrowserIT {

    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Pattern ROUTE = Pattern.compile("- \\{path: ([^,]+), service: ([a-z-]+)}");

    static LocalBroker kafka;
    static StripeStub stripe;
    static TestModeServer testMode;
    static OpenAiProtocolServer llm;
    static final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    static ServiceProcess dashboard;

    @BeforeAll
    static void startSuite() throws Exception {
        kafka = LocalBroker.start("browser", 19102);
        stripe = StripeStub.start();
        testMode = new TestModeServer(stripe, 0);
        llm = OpenAiProtocolServer.start();
        // The identity provider of this test is the dashboard's dev sign-in: a test-only key pair of this JVM,
        // its private half for the dashboard, its public half for the services
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair identityProvider = generator.generateKeyPair();
        Path publicKey = Files.createDirectories(Path.of("target/browser-jwt")).toAbsolutePath().resolve("public.pem");
        Files.writeString(publicKey, pem("PUBLIC KEY", identityProvider.getPublic().getEncoded()));
        Path privateKey = publicKey.resolveSibling("private.pem");
        Files.writeString(privateKey, pem("PRIVATE KEY", identityProvider.getPrivate().getEncoded()));
        for (String name : List.of("billing-service", "credit-service", "ai-gateway-service", "alert-service")) {
            Map<String, String> env = ServiceEnv.of(name, kafka, publicKey);
            if (name.equals("credit-service")) {
                env.put("BILLING_SERVICE_URL", services.get("billing-service").baseUrl()); // checks auto-purchase packages
            }
            if (name.equals("ai-gateway-service")) {
                env.put("CREDIT_SERVICE_URL", services.get("credit-service").baseUrl()); // reserves credits there
                // dev/up's AI engines: custom to the test-mode LLM, the rest to the built-in engine
                env.put("OPENAI_BASE_URL", llm.baseUrl());
                env.put("OPENAI_API_KEY", OpenAiProtocolServer.TEST_KEY);
                for (String function : List.of("CHATBOT", "RECOMMENDATION", "PREDICTION", "ANALYSIS")) {
                    env.put("AI_ROUTING_" + function, "local");
                }
                env.put("AI_ROUTING_CUSTOM", "llm");
            }
            if (name.equals("billing-service")) {
                env.put("STRIPE_API_BASE", stripe.baseUrl());
                env.put("STRIPE_API_KEY", StripeStub.TEST_API_KEY);
                env.put("STRIPE_WEBHOOK_SECRET", stripe.webhookSecret());
            }
            services.put(name, ServiceProcess.start(name, env));
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(STARTUP);
        }
        stripe.sendWebhooksTo(services.get("billing-service").baseUrl() + "/webhook/stripe");
        dashboard = ServiceProcess.start("dashboard", Map.of(
                "QUARKUS_PROFILE", "local", "DASHBOARD_MODE", "local", "JWT_ISSUER", TestJwt.ISSUER,
                "DASHBOARD_DEV_SIGNING_KEY_LOCATION", privateKey.toString(),
                "DASHBOARD_PROXY_ROUTES", proxyRoutes() + ",/stripe-test=" + testMode.controlUrl()));
        dashboard.awaitReady(STARTUP);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The Ingress routes of the chart, pointed at this test's processes. */
    private static String proxyRoutes() throws Exception {
        String values = Files.readString(LocalBroker.repositoryRoot().resolve("helm/aicredit/values.yaml"));
        Matcher m = ROUTE.matcher(values);
        Map<String, String> routes = new LinkedHashMap<>();
        while (m.find()) {
            routes.put(m.group(1), services.get(m.group(2)).baseUrl());
        }
        assertThat(routes).isNotEmpty();
        return routes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    @AfterAll
    static void stopSuite() throws Exception {
        if (dashboard != null) {
            dashboard.stop();
        }
        for (ServiceProcess service : services.values()) {
            service.stop();
        }
        if (testMode != null) {
            testMode.close();
        }
        if (llm != null) {
            llm.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void theProdProfileNeverSignsTokensWhateverTheConfigurationSays() throws Exception {
        ServiceProcess prod = ServiceProcess.start("dashboard", Map.of("DASHBOARD_DEV_SIGN_IN_ENABLED", "true",
                "DASHBOARD_DEV_SIGNING_KEY_LOCATION", Path.of("target/browser-jwt/private.pem").toAbsolutePath().toString()));
        try {
            prod.awaitReady(STARTUP);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(prod.baseUrl() + "/dashboard-api/dev/sign-in")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"hotel-x\",\"role\":\"admin\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(404);
            assertThat(answer.body()).doesNotContain("token");
        } finally {
            prod.stop();
        }
    }

    /**
     * The demo hotel of ./dev/up: the seed's calls run now and are then moved to the last 30 days. What it leaves
     * must be a ledger that adds up, read here from the tables: balances, the order of every balance_after, the
     * month's resets where they belong, and a daily roll-up that is what the usage rows say.
     */
    @Test
    void theDemoSeedLeavesThirtyDaysOfHistoryThatAddsUp() throws Exception {
        String tenant = "hotel-seed-" + Long.toHexString(System.nanoTime());
        ProcessBuilder node = new ProcessBuilder("node", "scripts/seed.mjs", dashboard.baseUrl(), tenant)
                .directory(LocalBroker.repositoryRoot().resolve("dashboard/src/main/webui").toFile()).redirectErrorStream(true)
                .redirectOutput(Files.createDirectories(Path.of("target")).resolve("demo-seed.log").toFile());
        for (String[] db : new String[][] {{"CREDIT", "credit"}, {"GATEWAY", "gateway"}, {"ALERT", "alert"}}) {
            node.environment().put("DEMO_" + db[0] + "_DB", "postgresql://" + db[1] + ":" + db[1] + "@127.0.0.1:5432/" + db[1] + "_test");
        }
        Process run = node.start();
        boolean ended = run.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            run.destroyForcibly();
        }
        String output = Files.readString(Path.of("target/demo-seed.log"));
        System.out.println(output);
        assertThat(ended).as("the seed ends within 5 minutes: " + output).isTrue();
        assertThat(run.exitValue()).as(output).isZero();

        java.time.ZoneId tokyo = java.time.ZoneId.of("Asia/Tokyo");
        java.time.LocalDate today = java.time.LocalDate.now(tokyo);
        boolean twoMonths = today.minusDays(29).getMonthValue() != today.getMonthValue();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/credit_test", "credit", "credit")) {
            long balance = single(c, "select current_balance from ai_credit_accounts where tenant_id = ?", tenant);
            assertThat(single(c, "select coalesce(sum(t.credits_amount), 0) from ai_credit_transactions t join ai_credit_accounts a "
                    + "on a.id = t.account_id where a.tenant_id = ?", tenant)).as("balance = Σ transactions").isEqualTo(balance);
            assertThat(single(c, "select coalesce(sum(g.remaining_credits), 0) from credit_grants g join ai_credit_accounts a "
                    + "on a.id = g.account_id where a.tenant_id = ?", tenant)).as("balance = Σ grants").isEqualTo(balance);
            // Moving kept the order: each batch's balance (its entries share one time, e.g. the reset's expiry and grant)
            // is the one before plus the batch's entries, in time order
            assertThat(single(c, "with x as (select t.id, t.created_at, t.balance_after, t.credits_amount from ai_credit_transactions t "
                    + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id = ?), "
                    + "b as (select created_at, sum(credits_amount) net, max(balance_after) filter (where last) after_batch from "
                    + "(select x.*, not exists (select 1 from x y where y.created_at = x.created_at and y.id <> x.id "
                    + "and y.balance_after - y.credits_amount = x.balance_after) last from x) l group by created_at) "
                    + "select count(*) from (select net, after_batch, lag(after_batch) over (order by created_at) prev from b) z "
                    + "where prev is not null and after_batch <> prev + net", tenant)).isZero();
            assertThat(single(c, "select count(distinct (t.created_at at time zone 'Asia/Tokyo')::date) from ai_credit_transactions t "
                    + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id = ? and t.transaction_type = 'USAGE'", tenant))
                    .as("days with usage").isGreaterThanOrEqualTo(20);
            // All five functions, custom through the test-mode LLM (its answers are the stub's own)
            assertThat(single(c, "select count(distinct t.ai_function_type) from ai_credit_transactions t join ai_credit_accounts a "
                    + "on a.id = t.account_id where a.tenant_id = ? and t.transaction_type = 'USAGE'", tenant)).isEqualTo(5);
            assertThat(single(c, "select count(*) from ai_credit_transactions t join ai_credit_accounts a on a.id = t.account_id "
                    + "where a.tenant_id = ? and (t.created_at > now() or t.created_at < now() - interval '30 days')", tenant)).isZero();
            // The daily roll-up is what the usage entries say, day by day and function by function
            assertThat(single(c, "select count(*) from ((select (t.created_at at time zone a.time_zone)::date, t.ai_function_type, "
                    + "-sum(t.credits_amount), count(*) from ai_credit_transactions t join ai_credit_accounts a on a.id = t.account_id "
                    + "where a.tenant_id = ? and t.transaction_type = 'USAGE' group by 1, 2) except (select d.usage_date, d.function_type, "
                    + "d.credits, d.executions from daily_usage d join ai_credit_accounts a on a.id = d.account_id where a.tenant_id = ?)) x",
                    tenant, tenant)).isZero();
            assertThat(single(c, "select count(*) from daily_usage d join ai_credit_accounts a on a.id = d.account_id "
                    + "where a.tenant_id = ?", tenant)).isEqualTo(single(c, "select count(*) from (select distinct "
                    + "(t.created_at at time zone a.time_zone)::date, t.ai_function_type from ai_credit_transactions t join ai_credit_accounts a "
                    + "on a.id = t.account_id where a.tenant_id = ? and t.transaction_type = 'USAGE') x", tenant));
            // One reset per month the history spans, each granting its own month; this month's at 00:00 on the 1st
            String month = java.time.YearMonth.from(today).toString();
            assertThat(single(c, "select count(*) from monthly_credit_resets r join ai_credit_accounts a on a.id = r.account_id "
                    + "where a.tenant_id = ?", tenant)).isEqualTo(twoMonths ? 2 : 1);
            assertThat(single(c, "select count(*) from ai_credit_transactions t join ai_credit_accounts a on a.id = t.account_id "
                    + "where a.tenant_id = ? and t.transaction_type = 'MONTHLY_RESET' and t.idempotency_key = 'monthly-free:' || "
                    + "to_char(t.created_at at time zone a.time_zone, 'YYYY-MM')", tenant)).isEqualTo(twoMonths ? 2 : 1);
            if (twoMonths) {
                assertThat(single(c, "select count(*) from monthly_credit_resets r join ai_credit_accounts a on a.id = r.account_id "
                        + "where a.tenant_id = ? and r.reset_month = '" + month + "' and date_trunc('minute', r.reset_date at time zone "
                        + "a.time_zone) = date_trunc('month', now() at time zone a.time_zone)", tenant)).isEqualTo(1);
                assertThat(single(c, "select count(*) from credit_grants g join ai_credit_accounts a on a.id = g.account_id "
                        + "where a.tenant_id = ? and g.source = 'MONTHLY_FREE' and g.reference <> '" + month + "' "
                        + "and g.expires_at = date_trunc('month', now() at time zone a.time_zone) at time zone a.time_zone", tenant)).isEqualTo(1);
            }
        }

        // The engines as ./dev/up sets them: custom by the LLM, the other four by the built-in engine
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/gateway_test", "gateway", "gateway")) {
            assertThat(single(c, "select count(*) from ai_executions where tenant_id = ? and status = 'COMPLETED' "
                    + "and (function_type = 'CUSTOM') <> (provider = 'llm')", tenant)).isZero();
            assertThat(single(c, "select count(*) from ai_executions where tenant_id = ? and function_type = 'CUSTOM' "
                    + "and status = 'COMPLETED'", tenant)).isPositive();
        }
    }

    private static long single(java.sql.Connection c, String sql, Object... args) throws java.sql.SQLException {
        try (java.sql.PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (java.sql.ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Test
    void theBrowserTestsPassAtPhoneAndDesktopSize() throws Exception {
        Path webui = LocalBroker.repositoryRoot().resolve("dashboard/src/main/webui");
        Path screenshots = Path.of("target/screenshots").toAbsolutePath();
        // Output through System.out (not inheritIO, which would write past Failsafe's channel to the fork)
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "e2e/")
                .directory(webui.toFile()).redirectErrorStream(true);
        node.environment().put("BASE_URL", dashboard.baseUrl());
        node.environment().put("SCREENSHOT_DIR", screenshots.toString());
        Process run = node.start();
        Thread relay = new Thread(() -> new java.io.BufferedReader(new java.io.InputStreamReader(run.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8)).lines().forEach(System.out::println), "browser-tests-output");
        relay.start();
        if (!run.waitFor(10, TimeUnit.MINUTES)) {
            run.destroyForcibly();
            throw new AssertionError("the browser tests did not finish within 10 minutes");
        }
        relay.join(5000);
        assertThat(run.exitValue()).as("node --test e2e/ (output above)").isZero();
        assertThat(screenshots.resolve("dashboard-phone.png")).exists();
        assertThat(screenshots.resolve("dashboard-desktop.png")).exists();
    }
}
