package io.hotelcrm.stripestub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stub as the local payment backend of {@code ./dev/up} (Stripe's test mode, offline), plus the part of
 * Stripe that is not its API: the customer's 3-D Secure challenge and the bank transfer that pays an invoice.
 * Those happen on a second port, which only the dashboard's local proxy reaches (under {@code /stripe-test/}, which
 * the proxy passes on as it came),
 * so the dashboard can show a marked test-mode challenge instead of Stripe.js, which cannot load offline.
 *
 * <pre>
 *   POST /v1/payment_intents/{id}/authenticate   the customer passed 3-D Secure
 *   POST /v1/payment_intents/{id}/fail           the customer failed (or abandoned) it
 *   POST /v1/setup_intents/{id}/authenticate     the card holder passed 3-D Secure while saving a card
 *   POST /v1/invoices/{id}/pay                   the invoice was paid by bank transfer
 *   POST /v1/payment_intents/{id}/dispute        the cardholder disputes the charge (charge.dispute.created)
 *   POST /v1/disputes/{id}/withdraw              the disputed funds leave the balance (.funds_withdrawn)
 *   POST /v1/disputes/{id}/win                   closed as won (.closed, then .funds_reinstated if withdrawn)
 *   POST /v1/disputes/{id}/lose                  closed as lost (.closed)
 * </pre>
 *
 * Run: {@code java -cp … io.hotelcrm.stripestub.TestModeServer}; environment {@code STRIPE_STUB_PORT} (12111),
 * {@code STRIPE_STUB_CONTROL_PORT} (12112), {@code STRIPE_STUB_WEBHOOK_SECRET} (a test-only {@code whsec_test_…}),
 * {@code STRIPE_STUB_WEBHOOK_URL} (billing-service's {@code /webhook/stripe}) and {@code STRIPE_STUB_STATE_FILE}:
 * billing-service remembers Stripe's ids (customers, saved cards, the tax rate) across restarts, so the stub keeps
 * its objects in that file when it stops and reads them back when it starts, as Stripe would still know them.
 */
public final class TestModeServer implements AutoCloseable {

    private static final Pattern ACTION = Pattern.compile("(?:/stripe-test)?/v1/(payment_intents|setup_intents|invoices|disputes)/([A-Za-z0-9_]{1,100})/(authenticate|fail|pay|dispute|withdraw|win|lose)");

    private final StripeStub stub;
    private final HttpServer control;

    public TestModeServer(StripeStub stub, int controlPort) {
        this.stub = stub;
        try {
            control = HttpServer.create(new InetSocketAddress("127.0.0.1", controlPort), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        control.createContext("/", this::handle);
        control.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "stripe-stub-control");
            t.setDaemon(true);
            return t;
        }));
        control.start();
    }

    public String controlUrl() {
        return "http://127.0.0.1:" + control.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Matcher m = ACTION.matcher(exchange.getRequestURI().getPath());
        int status = 200;
        String body;
        if (!exchange.getRequestMethod().equals("POST") || !m.matches()) {
            status = 404;
            body = "{\"error\":{\"message\":\"unknown test-mode action\"}}";
        } else {
            String id = m.group(2);
            try {
                body = stub.write(switch (m.group(1) + " " + m.group(3)) {
                    case "payment_intents authenticate" -> stub.completeAuthentication(id);
                    case "payment_intents fail" -> stub.failAuthentication(id);
                    case "setup_intents authenticate" -> stub.completeSetupAuthentication(id);
                    case "invoices pay" -> stub.payInvoice(id);
                    case "payment_intents dispute" -> stub.dispute(id);
                    case "disputes withdraw" -> stub.withdrawDisputeFunds(id);
                    case "disputes win", "disputes lose" -> StripeStub.array().addAll(stub.closeDispute(id, m.group(3).equals("win")));
                    default -> throw new IllegalArgumentException(m.group(3) + " does not apply to " + m.group(1));
                });
            } catch (StripeError e) {
                status = e.status;
                body = stub.write(e.body());
            } catch (IllegalStateException | IllegalArgumentException e) {
                // e.g. a second click on an already paid invoice: the state, not the request, is wrong
                status = 409;
                body = stub.write(new StripeError(409, "invalid_request_error", null, null, e.getMessage(), null).body());
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        control.stop(0);
        stub.close();
    }

    /** Writes the stub's objects and test-card scenarios (what billing may refer to later) to {@code file}. */
    void save(Path file) {
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        stub.objects.forEach(state.putObject("objects")::set);
        stub.cardScenario.forEach(state.putObject("cardScenario")::put);
        try {
            Files.writeString(file, stub.write(state));
        } catch (IOException e) {
            System.err.println("could not save the stub's state to " + file + ": " + e);
        }
    }

    void load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode state = new ObjectMapper().readTree(file.toFile());
        state.path("objects").fields().forEachRemaining(e -> stub.objects.put(e.getKey(), (ObjectNode) e.getValue()));
        state.path("cardScenario").fields().forEachRemaining(e -> stub.cardScenario.put(e.getKey(), e.getValue().asText()));
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        String secret = env("STRIPE_STUB_WEBHOOK_SECRET", null);
        if (secret == null || !secret.startsWith("whsec_test_")) {
            throw new IllegalArgumentException("STRIPE_STUB_WEBHOOK_SECRET must be a test-only whsec_test_… secret");
        }
        StripeStub stub = StripeStub.start(Integer.parseInt(env("STRIPE_STUB_PORT", "12111")), secret);
        stub.sendWebhooksTo(env("STRIPE_STUB_WEBHOOK_URL", "http://127.0.0.1:8083/webhook/stripe"));
        TestModeServer server = new TestModeServer(stub, Integer.parseInt(env("STRIPE_STUB_CONTROL_PORT", "12112")));
        String stateFile = env("STRIPE_STUB_STATE_FILE", null);
        if (stateFile != null) {
            server.load(Path.of(stateFile));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stateFile != null) {
                server.save(Path.of(stateFile));
            }
            server.close();
        }));
        System.out.println("Stripe stub (TEST MODE, no real payments) API " + stub.baseUrl() + ", test-mode actions "
                + server.controlUrl() + ", webhooks to " + env("STRIPE_STUB_WEBHOOK_URL", "http://127.0.0.1:8083/webhook/stripe"));
        Thread.currentThread().join();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
