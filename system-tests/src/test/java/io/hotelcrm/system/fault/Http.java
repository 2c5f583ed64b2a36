package io.hotelcrm.system.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The suite's HTTP client: every call goes through here so every answer lands in the {@link ClientLog}. Short
 * connect timeout (a dead process refuses at once), a request timeout above the gateway's own 3 s + 4 s
 * budget towards credit-service, so a hang would show as no answer.
 */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Answer(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** 503 or no answer: the caller may retry with the same Idempotency-Key. */
        boolean retryable() {
            return status < 0 || status == 503;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return JSON.nullNode();
            }
        }
    }

    private final ClientLog log;

    Http(ClientLog log) {
        this.log = log;
    }

    Answer get(String service, String baseUrl, String path, String token) {
        return send(service, "GET", baseUrl, path, token, null, Map.of());
    }

    Answer post(String service, String baseUrl, String path, String token, Object body, Map<String, String> headers) {
        return send(service, "POST", baseUrl, path, token, body, headers);
    }

    Answer put(String service, String baseUrl, String path, String token, Object body) {
        return send(service, "PUT", baseUrl, path, token, body, Map.of());
    }

    Answer send(String service, String method, String baseUrl, String path, String token, Object body,
                Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(20));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            headers.forEach(b::header);
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofString(
                        body instanceof String s ? s : JSON.writeValueAsString(body)));
            }
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            log.record(service, method, pathOnly(path), r.statusCode(), r.body());
            return new Answer(r.statusCode(), r.body());
        } catch (java.net.http.HttpTimeoutException e) {
            // Alive but silent for 20 s: a hang, which the services promise never to do (a 503 instead).
            log.record(service, method, pathOnly(path), ClientLog.TIMEOUT, e.toString());
            return new Answer(-1, e.toString());
        } catch (IOException e) {
            log.record(service, method, pathOnly(path), -1, e.toString());
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }
}
