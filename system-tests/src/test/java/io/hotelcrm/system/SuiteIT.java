package io.hotelcrm.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hotelcrm.testsupport.LocalBroker;
import io.hotelcrm.testsupport.ServiceProcess;
import io.hotelcrm.testsupport.TestJwt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The four services as real processes (their packaged jars) against real PostgreSQL, Redis and a Kafka
 * broker of this test's own ("system" on 19094), which one test stops and restarts: every service stays
 * ready and live while the outbox holds the events, and the outbox drains once Kafka is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SuiteIT {

    private static final Duration STARTUP = Duration.ofSeconds(120);

    static LocalBroker kafka;
    static final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    @BeforeAll
    static void startSuite() throws Exception {
        kafka = LocalBroker.start("system", 19094);
        Path publicKey = Path.of("target/jwt-public.pem");
        Files.writeString(publicKey, TestJwt.publicKeyPem()); // test-only key pair of this JVM
        for (String name : List.of("credit-service", "ai-gateway-service", "billing-service", "alert-service")) {
            Map<String, String> env = ServiceEnv.of(name, kafka, publicKey);
            services.put(name, ServiceProcess.start(name, env));
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(STARTUP);
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
    void everyServiceIsReadyAndRefusesCallsWithoutAToken() {
        Map<String, String> publicPaths = Map.of(
                "credit-service", "/api/v1/credits/balance",
                "ai-gateway-service", "/api/v1/ai/functions",
                "billing-service", "/api/v1/credits/packages",
                "alert-service", "/api/v1/alerts");
        services.forEach((name, service) -> {
            given().baseUri(service.baseUrl()).get("/q/health/ready").then().statusCode(200)
                    .body("status", equalTo("UP"));
            given().baseUri(service.baseUrl()).get(publicPaths.get(name)).then().statusCode(401)
                    .contentType("application/problem+json").body("code", equalTo("UNAUTHORIZED"));
            // The gateway's own signing key opens no public API, whatever groups its token claims.
            for (String role : List.of("staff", "admin", "service")) {
                int status = given().baseUri(service.baseUrl()).auth().oauth2(TestJwt.gatewaySigned("hotel-suite", role))
                        .get(publicPaths.get(name)).then().extract().statusCode();
                assertThat(status).as(name + " with a gateway-signed " + role + " token").isIn(401, 403);
            }
        });
    }

    @Test
    @Order(2)
    void anEventOfTheLedgerBecomesAnAlertInAlertService() {
        String tenant = tenant();
        given().baseUri(credit().baseUrl()).auth().oauth2(TestJwt.staff(tenant))
                .get("/api/v1/credits/balance").then().statusCode(200).body("balance.currentBalance", equalTo(500));

        List<String> types = awaitAlerts(tenant, 1);
        assertThat(types).containsExactly("CREDITS_ADDED");
    }

    @Test
    @Order(3)
    void withKafkaDownEveryServiceStaysReadyWhileTheOutboxGrowsAndDrainsWhenKafkaIsBack() throws Exception {
        kafka.stop();
        // Every service notices (wellness check DOWN, dependency_up 0) and is degraded, not unready.
        awaitKafkaSeenAs("DOWN");
        assertEveryServiceReadyAndLive();
        for (ServiceProcess service : services.values()) {
            assertThat(gauge(service.metrics(), "dependency_up\\{[^}]*dependency=\"kafka\"[^}]*\\}")).as(service.name).isZero();
        }

        List<String> tenants = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String tenant = tenant();
            tenants.add(tenant);
            // The ledger keeps working without Kafka: the event waits in the outbox.
            given().baseUri(credit().baseUrl()).auth().oauth2(TestJwt.staff(tenant))
                    .get("/api/v1/credits/balance").then().statusCode(200);
            assertEveryServiceReadyAndLive();
        }
        Awaitility.await("outbox holds the events").atMost(Duration.ofSeconds(20))
                .until(() -> gauge(credit().metrics(), "outbox_events_pending") >= 5);
        Map<String, Object> kafkaCheck = check(credit(), "/q/health/well", "kafka");
        assertThat(((Number) ((Map<?, ?>) kafkaCheck.get("data")).get("outboxPending")).longValue())
                .isGreaterThanOrEqualTo(5);
        assertEveryServiceReadyAndLive();

        // A pod that starts while Kafka is down becomes started and ready too (no dependency in any probe).
        ServiceProcess billing = services.get("billing-service");
        billing.stop();
        ServiceProcess restarted = ServiceProcess.start("billing-service",
                ServiceEnv.of("billing-service", kafka, Path.of("target/jwt-public.pem")));
        services.put("billing-service", restarted);
        restarted.awaitReady(STARTUP);
        assertEveryServiceReadyAndLive();

        kafka.start();

        for (String tenant : tenants) {
            assertThat(awaitAlerts(tenant, 1)).as(tenant).containsExactly("CREDITS_ADDED");
        }
        Awaitility.await("outbox drained").atMost(Duration.ofSeconds(30))
                .until(() -> gauge(credit().metrics(), "outbox_events_pending") == 0);
        awaitKafkaSeenAs("UP");
        for (String tenant : tenants) {
            assertThat(alertTypes(tenant)).as("applied once for " + tenant).containsExactly("CREDITS_ADDED");
        }
    }

    private static void assertEveryServiceReadyAndLive() {
        services.forEach((name, service) -> {
            for (String probe : List.of("/q/health/ready", "/q/health/live", "/q/health/started")) {
                given().baseUri(service.baseUrl()).get(probe).then().statusCode(200).body("status", equalTo("UP"));
            }
        });
    }

    private static void awaitKafkaSeenAs(String status) {
        Awaitility.await("every service sees Kafka " + status).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> services.values().stream()
                        .allMatch(s -> status.equals(check(s, "/q/health/well", "kafka").get("status"))));
    }

    private static Map<String, Object> check(ServiceProcess service, String path, String name) {
        List<Map<String, Object>> checks = given().baseUri(service.baseUrl()).get(path).then().extract().path("checks");
        return checks.stream().filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(service.name + " has no check " + name + " at " + path));
    }

    private static ServiceProcess credit() {
        return services.get("credit-service");
    }

    private static List<String> awaitAlerts(String tenant, int count) {
        Awaitility.await("alerts of " + tenant).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> alertTypes(tenant).size() >= count);
        return alertTypes(tenant);
    }

    private static List<String> alertTypes(String tenant) {
        return given().baseUri(services.get("alert-service").baseUrl()).auth().oauth2(TestJwt.staff(tenant))
                .get("/api/v1/alerts").then().statusCode(200).extract().jsonPath().getList("items.alertType");
    }

    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static String tenant() {
        return "sys-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
