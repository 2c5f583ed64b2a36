package io.hotelcrm.system.fault;

import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.system.ServiceEnv;
import io.hotelcrm.testsupport.LocalBroker;
import io.hotelcrm.testsupport.ServiceProcess;
import io.hotelcrm.testsupport.TestJwt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the fault suite runs and breaks: its own PostgreSQL cluster, Redis and Kafka broker, the Stripe
 * stub, and the four packaged services on fixed ports (chosen once), so a service killed and started again
 * comes back where its peers and the load expect it.
 */
final class FaultStack implements AutoCloseable {

    static final List<String> SERVICES = List.of("credit-service", "ai-gateway-service", "billing-service", "alert-service");
    /** Ports of the suite's own servers: none of 5432, 6379, 9092, 19092-19099 that the machine and other tests use. */
    static final int PG_PORT = 15544;
    static final int REDIS_PORT = 16391;
    static final int KAFKA_PORT = 19112;
    /** The gateway's hold timeout here: short, so "no hold pending past its timeout + 60 s" bites within a run. */
    static final int HOLD_TIMEOUT_SECONDS = 30;
    static final Duration STARTUP = Duration.ofSeconds(180);

    final LocalPostgres postgres;
    final LocalRedis redis;
    final LocalBroker kafka;
    final StripeStub stripe;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, ServiceProcess> running = new ConcurrentHashMap<>();
    private final Path publicKey;

    private FaultStack(LocalPostgres postgres, LocalRedis redis, LocalBroker kafka, StripeStub stripe, Path publicKey) {
        this.postgres = postgres;
        this.redis = redis;
        this.kafka = kafka;
        this.stripe = stripe;
        this.publicKey = publicKey;
    }

    static FaultStack start() throws Exception {
        Path dir = Path.of("target/fault-suite").toAbsolutePath();
        Files.createDirectories(dir);
        LocalPostgres pg = LocalPostgres.create(dir.resolve("pg"), PG_PORT, SERVICES.stream().map(ServiceEnv::database).toList());
        LocalRedis redis = new LocalRedis(dir.resolve("redis"), REDIS_PORT);
        redis.start();
        LocalBroker kafka = LocalBroker.start("fault", KAFKA_PORT);
        StripeStub stripe = StripeStub.start();
        for (String plan : List.of("essential:7800", "professional:19800", "enterprise:49800")) {
            String[] p = plan.split(":");
            stripe.definePrice("price_" + p[0] + "_monthly_jpy", Long.parseLong(p[1]), "jpy");
        }
        // The suite delivers the webhooks itself (three times each, shuffled): the stub only records them.
        stripe.sendWebhooksTo(null);
        Path publicKey = dir.resolve("jwt-public.pem");
        Files.writeString(publicKey, TestJwt.publicKeyPem());
        FaultStack stack = new FaultStack(pg, redis, kafka, stripe, publicKey);
        for (String name : SERVICES) {
            stack.ports.put(name, ServiceProcess.freePort());
        }
        for (String name : SERVICES) {
            stack.startService(name);
        }
        for (String name : SERVICES) {
            stack.running.get(name).awaitReady(STARTUP);
        }
        return stack;
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    String webhookUrl() {
        return url("billing-service") + "/webhook/stripe";
    }

    synchronized void startService(String name) throws Exception {
        ServiceProcess old = running.get(name);
        if (old != null && old.isAlive()) {
            return;
        }
        running.put(name, ServiceProcess.startOnPort(name, env(name), ports.get(name)));
    }

    /** SIGKILL: no shutdown hook, no graceful drain; in-flight requests and transactions are cut. */
    synchronized void kill(String name) throws InterruptedException {
        ServiceProcess p = running.get(name);
        if (p != null) {
            p.kill();
        }
    }

    void awaitReady(String name) {
        running.get(name).awaitReady(STARTUP);
    }

    /**
     * Starts a service and waits until it is ready, starting it again when it exits first, as the kubelet
     * restarts a pod: a service started while PostgreSQL is down fails its migration at startup and exits.
     * Returns how many starts it took.
     */
    int startUntilReady(String name) throws Exception {
        for (int attempt = 1; ; attempt++) {
            startService(name);
            try {
                awaitReady(name);
                return attempt;
            } catch (RuntimeException e) {
                if (alive(name) || attempt >= 10) {
                    throw e;
                }
                Thread.sleep(2_000); // the kubelet's back-off, shortened
            }
        }
    }

    boolean alive(String name) {
        ServiceProcess p = running.get(name);
        return p != null && p.isAlive();
    }

    private Map<String, String> env(String service) {
        Map<String, String> env = ServiceEnv.of(service, kafka, publicKey);
        env.put("DB_HOST", "127.0.0.1"); // the suite's own cluster, whose databases have no _test suffix
        env.put("DB_PORT", String.valueOf(postgres.port));
        env.put("DB_NAME", ServiceEnv.database(service));
        env.put("REDIS_URL", redis.url());
        // C1 only and one GC thread: a restart is what the faults measure, and on a 2-core machine shared with
        // Kafka, PostgreSQL and three other services the full JIT made each one take 35-50 s.
        env.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        env.put("CREDIT_SERVICE_URL", url("credit-service"));
        env.put("GATEWAY_SERVICE_URL", url("ai-gateway-service"));
        env.put("BILLING_SERVICE_URL", url("billing-service"));
        // The API limits stay on (their Redis round trip is part of every request, and of the Redis fault) but
        // out of the load's reach: a 429 is an allowed answer, yet it would starve the ledger of work.
        env.put("API_LIMIT_GLOBAL", "1000000");
        env.put("API_LIMIT_CREDIT_USAGE", "1000000");
        env.put("API_LIMIT_PURCHASE", "1000000");
        env.put("API_LIMIT_ANALYTICS", "1000000");
        for (String f : List.of("CHATBOT", "RECOMMENDATION", "PREDICTION", "ANALYSIS", "CUSTOM")) {
            env.put("GATEWAY_LIMITS_HOURLY_" + f, "1000000");
        }
        env.put("GATEWAY_HOLD_TIMEOUT_SECONDS", String.valueOf(HOLD_TIMEOUT_SECONDS));
        // The reset job looks for due accounts every 2 s, so a month turned during the load is reset under the faults.
        env.put("CREDIT_RESET_INTERVAL", "2s");
        env.put("CREDIT_SWEEPER_INTERVAL", "2s");
        env.put("GATEWAY_RECOVERY_INTERVAL", "2s");
        if (service.equals("billing-service")) {
            env.put("STRIPE_API_BASE", stripe.baseUrl());
            env.put("STRIPE_API_KEY", StripeStub.TEST_API_KEY);
            env.put("STRIPE_WEBHOOK_SECRET", stripe.webhookSecret());
        }
        if (service.equals("alert-service")) {
            env.put("SMTP_START_TLS", "DISABLED");
        }
        return env;
    }

    @Override
    public void close() {
        for (ServiceProcess p : running.values()) {
            try {
                p.stop();
            } catch (Exception ignored) {
                // best effort
            }
        }
        stripe.close();
        kafka.stop();
        try {
            redis.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postgres.stopQuietly();
    }
}
