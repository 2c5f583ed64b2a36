package io.hotelcrm.system;

import static org.assertj.core.api.Assertions.assertThat;

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
 * transfer actions), and Debian's chromium driven by playwright-core ({@code dashboard/src/main/webui/e2e/},
 * node's test runner). The dashboard proxies the API paths as the chart's Ingress routes them.
 */
class DashboardBrowserIT {

    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Pattern ROUTE = Pattern.compile("- \\{path: ([^,]+), service: ([a-z-]+)}");

    static LocalBroker kafka;
    static StripeStub stripe;
    static TestModeServer testMode;
    static final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    static ServiceProcess dashboard;

    @BeforeAll
    static void startSuite() throws Exception {
        kafka = LocalBroker.start("browser", 19102);
        stripe = StripeStub.start();
        testMode = new TestModeServer(stripe, 0);
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
