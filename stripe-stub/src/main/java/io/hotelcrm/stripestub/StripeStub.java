package io.hotelcrm.stripestub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A local server speaking Stripe's REST protocol for the calls billing-service makes, for tests only.
 *
 * <ul>
 *   <li>form-encoded requests ({@code metadata[k]}, {@code items[0][price]}, {@code expand[]}), Bearer
 *       {@code sk_test_…} keys, JSON answers built from Stripe's fixtures with the request's values applied;</li>
 *   <li>Stripe's error objects and statuses (402 card errors, 400/404 invalid requests, 401 bad key);</li>
 *   <li>Idempotency-Key: the same key with the same parameters replays the first answer, with other
 *       parameters it is a 400 {@code idempotency_error};</li>
 *   <li>events for what happens, delivered as signed webhooks (asynchronously, retried like Stripe does) to
 *       the URL given with {@link #sendWebhooksTo};</li>
 *   <li>scenarios chosen by Stripe's test PaymentMethods: {@code pm_card_visa} succeeds,
 *       {@code pm_card_chargeDeclined} declines, {@code pm_card_chargeCustomerFail} saves fine and declines
 *       when charged, {@code pm_card_authenticationRequired} needs 3-D Secure (and fails off-session),
 *       {@code pm_card_refundFail} (4000000000005126) pays, and each refund of its charges succeeds and then fails
 *       ({@code charge.refund.updated} and {@code refund.failed} with status failed, the amount back on the charge);
 *       invoices stay open until the test pays them with {@link #payInvoice}, which pays them as Stripe does
 *       since API 2025-03-31: a PaymentIntent and charge of their own, named by an InvoicePayment
 *       ({@code invoice_payment.paid}, {@code GET /v1/invoice_payments?invoice=…});</li>
 *   <li>refunds ({@code POST /v1/refunds} by PaymentIntent or charge, full or partial, or from the "dashboard"
 *       with {@link #refund}/{@link #refundInvoice}): {@code refund.created} and {@code charge.refunded}.</li>
 * </ul>
 */
public final class StripeStub implements AutoCloseable {

    /** An API key the stub accepts. TEST-ONLY: not a Stripe secret. */
    public static final String TEST_API_KEY = "sk_test_stub_local_only_not_a_secret";
    static final String DEFAULT_API_VERSION = "2026-07-29.dahlia";

    private final ObjectMapper json = new ObjectMapper();
    private final Fixtures fixtures = new Fixtures(json);
    private final HttpServer server;
    private final String webhookSecret;
    private final Clock clock;
    /** Seconds the stub's time is ahead of its clock: time that passes in the stub (a refund failing later). */
    private final AtomicLong aheadSeconds = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    private final Object lock = new Object();
    private final Api api;

    final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
    final Map<String, String> cardScenario = new ConcurrentHashMap<>();
    private final Map<String, Replay> idempotency = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final List<ObjectNode> events = new CopyOnWriteArrayList<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final ExecutorService deliverer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stripe-stub-webhooks");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger queued = new AtomicInteger();
    private volatile String webhookUrl;
    private volatile String apiVersion = DEFAULT_API_VERSION;

    /** One API call as the stub received it. */
    public record Recorded(String method, String path, JsonNode params, String idempotencyKey, int status) {
    }

    /** One webhook delivery attempt. */
    public record Delivery(String eventId, String type, int attempt, int status) {
    }

    private record Replay(String fingerprint, int status, String body) {
    }

    private StripeStub(int port, String webhookSecret, Clock clock) throws IOException {
        this.webhookSecret = webhookSecret;
        this.clock = clock;
        this.api = new Api(this);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "stripe-stub-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** Starts a stub on a free port with a fresh test-only webhook secret. */
    public static StripeStub start() {
        return start(0, "whsec_test_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16)));
    }

    public static StripeStub start(int port, String webhookSecret) {
        try {
            return new StripeStub(port, webhookSecret, Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String webhookSecret() {
        return webhookSecret;
    }

    /** Where events are delivered; null records events without delivering them. */
    public void sendWebhooksTo(String url) {
        this.webhookUrl = url;
    }

    @Override
    public void close() {
        server.stop(0);
        deliverer.shutdownNow();
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    // ---------------------------------------------------------------- test controls (the "dashboard")

    /** Defines a recurring monthly price (as made once in the Stripe dashboard). */
    public void definePrice(String id, long unitAmount, String currency) {
        synchronized (lock) {
            ObjectNode price = fixtures.copy("price");
            price.put("id", id);
            price.put("unit_amount", unitAmount);
            price.put("unit_amount_decimal", String.valueOf(unitAmount));
            price.put("currency", currency);
            price.put("product", "prod_" + id);
            price.putNull("transform_quantity");
            objects.put(id, price);
        }
    }

    /** The customer finished 3-D Secure: the PaymentIntent succeeds and payment_intent.succeeded is sent. */
    public JsonNode completeAuthentication(String paymentIntentId) {
        synchronized (lock) {
            return api.completeAuthentication(paymentIntentId);
        }
    }

    /** The card holder passed 3-D Secure while saving a card: setup_intent.succeeded is sent (the card is saved). */
    public JsonNode completeSetupAuthentication(String setupIntentId) {
        synchronized (lock) {
            return api.completeSetupAuthentication(setupIntentId);
        }
    }

    /** The customer failed (or abandoned) 3-D Secure: payment_intent.payment_failed is sent. */
    public JsonNode failAuthentication(String paymentIntentId) {
        synchronized (lock) {
            return api.failAuthentication(paymentIntentId);
        }
    }

    /** The customer paid an open invoice (by bank transfer, days later): invoice.paid is sent. */
    public JsonNode payInvoice(String invoiceId) {
        synchronized (lock) {
            return api.payInvoice(invoiceId);
        }
    }

    /** An attempt to collect an open invoice failed: invoice.payment_failed is sent. */
    public JsonNode failInvoicePayment(String invoiceId) {
        synchronized (lock) {
            return api.failInvoicePayment(invoiceId);
        }
    }

    /** Refunds (part of) a succeeded PaymentIntent from the dashboard: charge.refunded is sent. */
    public JsonNode refund(String paymentIntentId, long amount) {
        synchronized (lock) {
            return api.refundFromDashboard(paymentIntentId, amount);
        }
    }

    /** The PaymentIntent that paid an invoice, as its InvoicePayment names it. */
    public String invoicePaymentIntent(String invoiceId) {
        synchronized (lock) {
            return api.invoicePaymentIntent(invoiceId);
        }
    }

    /** Refunds (part of) a paid invoice's payment from the dashboard: charge.refunded is sent. */
    public JsonNode refundInvoice(String invoiceId, long amount) {
        synchronized (lock) {
            return api.refundFromDashboard(api.invoicePaymentIntent(invoiceId), amount);
        }
    }

    /** The cardholder disputes the charge: charge.dispute.created is sent. */
    public JsonNode dispute(String paymentIntentId) {
        synchronized (lock) {
            return api.dispute(paymentIntentId);
        }
    }

    /** The disputed amount leaves the balance: charge.dispute.funds_withdrawn is sent. */
    public JsonNode withdrawDisputeFunds(String disputeId) {
        synchronized (lock) {
            return api.withdrawDisputeFunds(disputeId);
        }
    }

    /**
     * The dispute is decided: charge.dispute.closed (won or lost) is sent, and when it was won after its funds were
     * withdrawn, charge.dispute.funds_reinstated. Answers the events in the order sent.
     */
    public List<JsonNode> closeDispute(String disputeId, boolean won) {
        synchronized (lock) {
            return api.closeDispute(disputeId, won);
        }
    }

    /** An event of any type about {@code object}, recorded but not delivered (deliver it with {@link #deliver}). */
    public ObjectNode newEvent(String type, JsonNode object) {
        synchronized (lock) {
            return buildEvent(type, object, null, null);
        }
    }

    /** A stored object (PaymentIntent, invoice, customer…) as the API would answer it. */
    public Optional<JsonNode> object(String id) {
        ObjectNode o = objects.get(id);
        return Optional.ofNullable(o == null ? null : o.deepCopy());
    }

    public List<JsonNode> events() {
        return List.copyOf(events);
    }

    /** Events of {@code type} whose data.object has id {@code objectId}. */
    public List<JsonNode> events(String type, String objectId) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)
                && e.path("data").path("object").path("id").asText().equals(objectId)).map(e -> (JsonNode) e).toList();
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public List<Recorded> requests(String method, String pathPrefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** True when no webhook delivery is queued or in flight. */
    public boolean webhooksIdle() {
        return queued.get() == 0;
    }

    /** True when every event matching {@code which} was delivered and answered 2xx. */
    public boolean delivered(Predicate<JsonNode> which) {
        return webhooksIdle() && events.stream().filter(which).allMatch(e -> deliveries.stream()
                .anyMatch(d -> d.eventId().equals(e.path("id").asText()) && d.status() / 100 == 2));
    }

    /** Delivers an event now, signed now; returns the endpoint's HTTP status. */
    public int deliver(JsonNode event) {
        String payload = write(event);
        return deliverRaw(payload, signatureHeader(payload, clock.instant().getEpochSecond()));
    }

    /** Delivers any payload with any signature header (for bad-signature and stale-timestamp tests). */
    public int deliverRaw(String payload, String signature) {
        if (webhookUrl == null) {
            throw new IllegalStateException("no webhook endpoint: call sendWebhooksTo first");
        }
        return Webhooks.post(webhookUrl, payload, signature);
    }

    public String signatureHeader(String payload, long timestamp) {
        return Webhooks.signatureHeader(payload, timestamp, webhookSecret);
    }

    // ---------------------------------------------------------------- HTTP

    /** The parameters with every object's keys sorted: Stripe compares what was sent, not the order it was sent in. */
    private static String canonical(JsonNode node) {
        if (node.isObject()) {
            java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
            node.fields().forEachRemaining(f -> sorted.put(f.getKey(), canonical(f.getValue())));
            return sorted.toString();
        }
        if (node.isArray()) {
            java.util.List<String> items = new java.util.ArrayList<>();
            node.forEach(n -> items.add(canonical(n)));
            return items.toString();
        }
        return node.toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        String version = exchange.getRequestHeaders().getFirst("Stripe-Version");
        if (version != null) {
            apiVersion = version;
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String query = exchange.getRequestURI().getRawQuery();
        int status;
        String answer;
        boolean replayed = false;
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        try {
            params = FormDecoder.decode(method.equals("GET") || method.equals("DELETE") ? query : body);
            if (method.equals("POST") && query != null) {
                params.setAll(FormDecoder.decode(query));
            }
            authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
            synchronized (lock) {
                String fingerprint = method + " " + path + " " + canonical(params);
                Replay previous = key == null || !method.equals("POST") ? null : idempotency.get(key);
                if (previous != null) {
                    if (!previous.fingerprint().equals(fingerprint)) {
                        throw new StripeError(400, "idempotency_error", null, null,
                                "Keys for idempotent requests can only be used with the same parameters they were first "
                                        + "used with. Try using a key other than '" + key + "' if you meant to execute "
                                        + "a different request.", null);
                    }
                    status = previous.status();
                    answer = previous.body();
                    replayed = true;
                } else {
                    try {
                        JsonNode result = api.route(method, path, params, key);
                        status = 200;
                        answer = write(result);
                    } catch (StripeError e) {
                        status = e.status;
                        answer = write(e.body());
                    }
                    if (key != null && method.equals("POST") && status != 401) {
                        idempotency.put(key, new Replay(fingerprint, status, answer));
                    }
                }
            }
        } catch (StripeError e) {
            status = e.status;
            answer = write(e.body());
        } catch (RuntimeException e) {
            status = 500;
            answer = write(new StripeError(500, "api_error", null, null, "stub failure: " + e, null).body());
        }
        requests.add(new Recorded(method, path, params, key, status));
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Request-Id", "req_" + token(14));
        exchange.getResponseHeaders().add("Stripe-Version", apiVersion);
        if (key != null) {
            exchange.getResponseHeaders().add("Idempotency-Key", key);
        }
        if (replayed) {
            exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer sk_test_")) {
            throw new StripeError(401, "invalid_request_error", null, null,
                    "Invalid API Key provided: only sk_test_ keys are accepted by the stub", null);
        }
    }

    // ---------------------------------------------------------------- used by Api

    ObjectNode fixture(String type) {
        return fixtures.copy(type);
    }

    long now() {
        return clock.instant().getEpochSecond() + aheadSeconds.get();
    }

    /**
     * Lets a second pass in the stub's time (event and object timestamps; not signatures), so that what happens next
     * is stamped later than what came before, as Stripe's days between a refund and its failure are.
     */
    void passASecond() {
        aheadSeconds.incrementAndGet();
    }

    String token(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    String newId(String prefix) {
        return prefix + "_1Stub" + token(18);
    }

    /** Records an event (a snapshot of {@code object}) and queues its delivery. */
    ObjectNode emit(String type, JsonNode object, JsonNode previousAttributes, String idempotencyKey) {
        ObjectNode event = buildEvent(type, object, previousAttributes, idempotencyKey);
        String url = webhookUrl;
        if (url != null) {
            queued.incrementAndGet();
            deliverer.submit(() -> deliverWithRetries(url, event));
        }
        return event;
    }

    private ObjectNode buildEvent(String type, JsonNode object, JsonNode previousAttributes, String idempotencyKey) {
        ObjectNode event = fixtures.copy("event");
        event.put("id", newId("evt"));
        event.put("api_version", apiVersion);
        event.put("created", now());
        event.put("type", type);
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        ObjectNode data = event.putObject("data");
        data.set("object", object.deepCopy());
        if (previousAttributes != null) {
            data.set("previous_attributes", previousAttributes);
        }
        ObjectNode request = event.putObject("request");
        request.put("id", "req_" + token(14));
        if (idempotencyKey == null) {
            request.putNull("idempotency_key");
        } else {
            request.put("idempotency_key", idempotencyKey);
        }
        events.add(event);
        return event;
    }

    private void deliverWithRetries(String url, ObjectNode event) {
        try {
            String payload = write(event);
            long[] backoffMillis = {0, 200, 1000, 3000};
            for (int attempt = 1; attempt <= backoffMillis.length; attempt++) {
                if (backoffMillis[attempt - 1] > 0) {
                    TimeUnit.MILLISECONDS.sleep(backoffMillis[attempt - 1]);
                }
                int status = Webhooks.post(url, payload, signatureHeader(payload, now()));
                deliveries.add(new Delivery(event.get("id").asText(), event.get("type").asText(), attempt, status));
                if (status / 100 == 2) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            queued.decrementAndGet();
        }
    }

    String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
