package io.hotelcrm.system.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotelcrm.testsupport.TestJwt;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mixed load of one run: AI executions on a few hot and many cold tenants (several staff users each), card
 * purchases (some with 3-D Secure), invoice purchases paid later by "bank transfer", plan subscriptions and
 * changes, auto-purchase on the hot tenants, a turned month on some cold ones, and reads. Each worker draws
 * its operations from its own Random derived from the seed, so a seed replays the same sequence of requests
 * (the interleaving with the faults is the machine's). A 503 or no answer is retried with the same
 * Idempotency-Key, as a client that follows Retry-After would.
 */
final class LoadMix {

    static final int HOT = 3;
    static final int COLD = 20;
    private static final int USERS_PER_TENANT = 4;

    private final FaultStack stack;
    private final Http http;
    private final long seed;
    final List<String> hot = new ArrayList<>();
    final List<String> cold = new ArrayList<>();
    private final Map<String, AtomicLong> stats = new ConcurrentHashMap<>();
    private final List<String> openInvoices = new ArrayList<>();
    private final List<String> pendingAuthentications = new ArrayList<>();
    private final Map<String, String> subscribed = new ConcurrentHashMap<>(); // tenant -> plan
    final Set<String> monthTurned = ConcurrentHashMap.newKeySet();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    LoadMix(FaultStack stack, Http http, long seed) {
        this.stack = stack;
        this.http = http;
        this.seed = seed;
        for (int i = 0; i < HOT; i++) {
            hot.add("f" + seed + "-hot-" + i);
        }
        for (int i = 0; i < COLD; i++) {
            cold.add("f" + seed + "-cold-" + i);
        }
    }

    List<String> tenants() {
        List<String> all = new ArrayList<>(hot);
        all.addAll(cold);
        return all;
    }

    /**
     * Before the faults: every tenant's account is opened (so a month can be turned on any of them), the hot
     * ones save a card and turn auto-purchase on (below 150 credits, buy 500), and each hot tenant runs one
     * execution, so the first requests of cold JVMs (class loading, JIT, pools: seconds on a busy 2-core
     * machine) are not what the faults are measured against.
     */
    void setUp() throws InterruptedException {
        for (String tenant : tenants()) {
            until(() -> http.get("credit-service", stack.url("credit-service"), "/api/v1/credits/balance",
                    admin(tenant)), "open account " + tenant);
        }
        Random random = new Random(seed);
        for (String tenant : hot) {
            Map<String, Object> body = Map.of("functionType", "chatbot",
                    "parameters", Map.of("input", "チェックインは何時からですか", "model", "local", "maxTokens", 50));
            String key = "f" + seed + "-warm-" + tenant;
            until(() -> http.post("ai-gateway-service", stack.url("ai-gateway-service"), "/api/v1/ai/execute",
                    staff(random, tenant), body, Map.of("Idempotency-Key", key)), "warm-up execution " + tenant);
        }
        for (String tenant : hot) {
            must(http.post("billing-service", stack.url("billing-service"), "/api/v1/billing/payment-method",
                    admin(tenant), Map.of("paymentMethodId", "pm_card_visa", "billingEmail", "keiri@" + tenant + ".example.jp"),
                    Map.of()), "save card of " + tenant);
            must(http.put("credit-service", stack.url("credit-service"), "/api/v1/credits/auto-purchase", admin(tenant),
                    Map.of("enabled", true, "threshold", 150, "purchaseAmount", 500, "packageId", "pkg-500")),
                    "auto-purchase of " + tenant);
        }
    }

    private interface Request {
        Http.Answer send();
    }

    /** Retries for up to two minutes: the warm-up runs before any fault, on services that are merely slow to warm. */
    private static void until(Request request, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        Http.Answer a = request.send();
        while (!a.ok() && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            a = request.send();
        }
        must(a, what);
    }

    private static void must(Http.Answer a, String what) {
        if (!a.ok()) {
            throw new IllegalStateException(what + " failed: " + a.status() + " " + a.body());
        }
    }

    /** Runs {@code workers} workers while {@code going} says so. */
    void run(int workers, java.util.function.BooleanSupplier going) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int id = w;
            Thread t = new Thread(() -> work(id, going), "load-" + w);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private void work(int worker, java.util.function.BooleanSupplier going) {
        Random random = new Random(seed * 1_000 + worker);
        long n = 0;
        while (going.getAsBoolean()) {
            String key = "f" + seed + "-w" + worker + "-" + (n++);
            int dice = random.nextInt(100);
            try {
                if (dice < 56) {
                    execute(random, key);
                } else if (dice < 62) {
                    cardPurchase(random, key);
                } else if (dice < 66) {
                    invoicePurchase(random, key);
                } else if (dice < 70) {
                    payAnInvoiceOrAuthenticate(random);
                } else if (dice < 75) {
                    planChange(random);
                } else if (dice < 77) {
                    turnMonth(random);
                } else if (dice < 90) {
                    read(random, "credit-service", "/api/v1/credits/balance");
                } else if (dice < 95) {
                    read(random, "alert-service", "/api/v1/alerts");
                } else {
                    read(random, "billing-service", "/api/v1/billing/purchases");
                }
                Thread.sleep(10 + random.nextInt(40));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                count("load-error " + e.getClass().getSimpleName());
            }
        }
    }

    private String tenant(Random random) {
        return random.nextInt(100) < 70 ? hot.get(random.nextInt(hot.size())) : cold.get(random.nextInt(cold.size()));
    }

    private String staff(Random random, String tenant) {
        String user = "staff-" + random.nextInt(USERS_PER_TENANT) + "-" + tenant;
        return tokens.computeIfAbsent(user, u -> TestJwt.token(tenant, u, "staff"));
    }

    private String admin(String tenant) {
        return tokens.computeIfAbsent("admin-" + tenant, u -> TestJwt.admin(tenant));
    }

    private void execute(Random random, String key) throws InterruptedException {
        String tenant = tenant(random);
        String token = staff(random, tenant);
        int f = random.nextInt(10);
        Map<String, Object> parameters = new LinkedHashMap<>();
        String function;
        if (f < 7) {
            function = "chatbot";
            parameters.put("input", List.of("チェックインは何時からですか", "駐車場はありますか", "朝食の時間を教えてください",
                    "Wi-Fiは使えますか").get(random.nextInt(4)));
            parameters.put("maxTokens", 50 + random.nextInt(200));
        } else {
            function = "prediction";
            parameters.put("input", "来週の稼働率");
            List<Map<String, Object>> series = new ArrayList<>();
            LocalDate day = LocalDate.of(2026, 11, 1);
            for (int i = 0; i < 14 + random.nextInt(14); i++) {
                series.add(Map.of("date", day.plusDays(i).toString(), "value", 50 + random.nextInt(40)));
            }
            parameters.put("customOptions", Map.of("series", series, "horizon", 7));
        }
        parameters.put("model", "local");
        Map<String, Object> body = Map.of("functionType", function, "parameters", parameters);
        Http.Answer a = retried(random, () -> http.post("ai-gateway-service", stack.url("ai-gateway-service"),
                "/api/v1/ai/execute", token, body, Map.of("Idempotency-Key", key)));
        count("execute " + outcome(a));
    }

    private void cardPurchase(Random random, String key) throws InterruptedException {
        String tenant = tenant(random);
        boolean threeDs = random.nextInt(10) < 2;
        Map<String, Object> body = Map.of("packageId", random.nextInt(4) == 0 ? "pkg-2000" : "pkg-500",
                "paymentMethod", "stripe", "paymentDetails",
                Map.of("stripePaymentMethodId", threeDs ? "pm_card_authenticationRequired" : "pm_card_visa"));
        Http.Answer a = retried(random, () -> http.post("billing-service", stack.url("billing-service"),
                "/api/v1/credits/purchase", admin(tenant), body, Map.of("Idempotency-Key", key)));
        count("purchase-card " + outcome(a));
        if (a.ok() && "requires_action".equals(a.json().at("/payment/paymentStatus").asText())) {
            synchronized (pendingAuthentications) {
                pendingAuthentications.add(a.json().at("/payment/paymentIntentId").asText());
            }
        }
    }

    private void invoicePurchase(Random random, String key) throws InterruptedException {
        String tenant = tenant(random);
        Map<String, Object> body = Map.of("packageId", "pkg-500", "paymentMethod", "invoice",
                "paymentDetails", Map.of("invoiceEmail", "keiri@" + tenant + ".example.jp"));
        Http.Answer a = retried(random, () -> http.post("billing-service", stack.url("billing-service"),
                "/api/v1/credits/purchase", admin(tenant), body, Map.of("Idempotency-Key", key)));
        count("purchase-invoice " + outcome(a));
        String invoice = a.ok() ? a.json().at("/payment/invoiceId").asText(null) : null;
        if (invoice != null) {
            synchronized (openInvoices) {
                if (!openInvoices.contains(invoice)) {
                    openInvoices.add(invoice);
                }
            }
        }
    }

    /** The customer's side at Stripe: an open invoice paid by bank transfer, or a 3-D Secure challenge passed. */
    private void payAnInvoiceOrAuthenticate(Random random) {
        String invoice = null;
        String intent = null;
        synchronized (openInvoices) {
            if (!openInvoices.isEmpty() && random.nextBoolean()) {
                invoice = openInvoices.remove(random.nextInt(openInvoices.size()));
            }
        }
        if (invoice == null) {
            synchronized (pendingAuthentications) {
                if (!pendingAuthentications.isEmpty()) {
                    intent = pendingAuthentications.remove(random.nextInt(pendingAuthentications.size()));
                }
            }
        }
        if (invoice != null) {
            stack.stripe.payInvoice(invoice);
            count("stripe invoice paid");
        } else if (intent != null) {
            stack.stripe.completeAuthentication(intent);
            count("stripe 3ds completed");
        }
    }

    /** A cold tenant subscribes (and pays the first invoice), or one that did changes plan. */
    private void planChange(Random random) throws InterruptedException {
        String tenant = cold.get(random.nextInt(cold.size()));
        String current = subscribed.get(tenant);
        if (current == null) {
            Http.Answer a = retried(random, () -> http.post("billing-service", stack.url("billing-service"),
                    "/api/v1/billing/subscription", admin(tenant),
                    Map.of("planType", "ESSENTIAL", "billingEmail", "keiri@" + tenant + ".example.jp"), Map.of()));
            count("subscribe " + outcome(a));
            if (a.ok()) {
                subscribed.put(tenant, "ESSENTIAL");
                String subscription = a.json().path("subscriptionId").asText();
                stack.stripe.object(subscription).map(s -> s.path("latest_invoice").asText(null))
                        .ifPresent(stack.stripe::payInvoice);
            }
        } else {
            List<String> others = new ArrayList<>(List.of("ESSENTIAL", "PROFESSIONAL", "ENTERPRISE"));
            others.remove(current);
            String plan = others.get(random.nextInt(others.size()));
            Http.Answer a = retried(random, () -> http.put("billing-service", stack.url("billing-service"),
                    "/api/v1/billing/subscription", admin(tenant), Map.of("planType", plan)));
            count("plan-change " + outcome(a));
            if (a.ok()) {
                subscribed.put(tenant, plan);
            }
        }
    }

    private void turnMonth(Random random) {
        String tenant = cold.get(random.nextInt(cold.size()));
        if (monthTurned.contains(tenant)) {
            return;
        }
        try (Connection c = stack.postgres.connect("credit")) {
            if (MonthTurn.turn(c, tenant)) {
                monthTurned.add(tenant);
                count("month turned");
            }
        } catch (Exception e) {
            count("month turn skipped (database down)");
        }
    }

    private void read(Random random, String service, String path) {
        String tenant = tenant(random);
        Http.Answer a = http.get(service, stack.url(service), path, staff(random, tenant));
        count("read " + outcome(a));
    }

    private interface Call {
        Http.Answer call();
    }

    /** Up to two retries with the same key after a 503 or no answer, 0.5-2 s apart. */
    private static Http.Answer retried(Random random, Call call) throws InterruptedException {
        Http.Answer a = call.call();
        for (int i = 0; i < 2 && a.retryable(); i++) {
            Thread.sleep(500 + random.nextInt(1_500));
            a = call.call();
        }
        return a;
    }

    private static String outcome(Http.Answer a) {
        if (a.status() < 0) {
            return "no-answer";
        }
        if (a.ok()) {
            return "2xx";
        }
        JsonNode code = a.json().path("code");
        return a.status() + (code.isMissingNode() ? "" : " " + code.asText());
    }

    private void count(String what) {
        stats.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    Map<String, Long> stats() {
        Map<String, Long> out = new TreeMap<>();
        stats.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
