package io.hotelcrm.alert;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST receiver on a JDK HTTP server standing in for Slack's incoming webhooks ({@code /slack/<name>})
 * and for the other services' readiness endpoints ({@code /health/<service>}). Every request is
 * recorded with the status it was answered with.
 */
public final class LocalReceiver {

    public record Request(String path, String body, int answeredWith) {
    }

    private static final LocalReceiver SHARED = new LocalReceiver();

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Per path: how many of the next requests fail with 500 (Integer.MAX_VALUE: all). */
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final Map<String, Health> health = new ConcurrentHashMap<>();

    public record Health(int status, String body) {
        public static Health up(String... checks) {
            return new Health(200, body("UP", checks, List.of()));
        }

        public static Health down(List<String> downChecks, String... upChecks) {
            return new Health(503, body("DOWN", upChecks, downChecks));
        }

        private static String body(String status, String[] up, List<String> down) {
            StringBuilder checks = new StringBuilder();
            for (String c : up) {
                checks.append(checks.isEmpty() ? "" : ",").append("{\"name\":\"").append(c).append("\",\"status\":\"UP\"}");
            }
            for (String c : down) {
                checks.append(checks.isEmpty() ? "" : ",").append("{\"name\":\"").append(c).append("\",\"status\":\"DOWN\"}");
            }
            return "{\"status\":\"" + status + "\",\"checks\":[" + checks + "]}";
        }
    }

    private LocalReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/slack/", this::slack);
        server.createContext("/health/", this::health);
        server.start();
    }

    public static LocalReceiver shared() {
        return SHARED;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next {@code times} requests to {@code path} are answered 500. */
    public void failNext(String path, int times) {
        failures.put(path, new AtomicInteger(times));
    }

    public void healthOf(String service, Health answer) {
        health.put("/health/" + service, answer);
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void slack(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        AtomicInteger left = failures.get(path);
        boolean fail = left != null && left.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0;
        int status = fail ? 500 : 200;
        requests.add(new Request(path, body, status));
        answer(exchange, status, fail ? "internal_error" : "ok");
    }

    private void health(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Health h = health.getOrDefault(path, Health.up("database"));
        requests.add(new Request(path, "", h.status()));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        answer(exchange, h.status(), h.body());
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
