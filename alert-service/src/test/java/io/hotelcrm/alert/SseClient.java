package io.hotelcrm.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** A TEST Server-Sent-Events client on the JDK HTTP client: records every event it receives. */
final class SseClient implements AutoCloseable {

    record Event(String name, String id, String data) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Thread reader;
    private volatile Stream<String> lines;
    private volatile int status;

    SseClient(URI uri, String token) {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(5)).GET().build();
        reader = new Thread(() -> {
            try {
                HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
                status = response.statusCode();
                lines = response.body();
                String[] current = new String[3];
                StringBuilder data = new StringBuilder();
                lines.forEach(line -> {
                    if (line.isEmpty()) {
                        if (current[0] != null || !data.isEmpty()) {
                            events.add(new Event(current[0], current[1], data.toString()));
                        }
                        current[0] = null;
                        current[1] = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        current[0] = line.substring(6).trim();
                    } else if (line.startsWith("id:")) {
                        current[1] = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).trim());
                    }
                });
            } catch (Exception e) {
                // closed by the test
            }
        }, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    List<Event> events(String name) {
        return events.stream().filter(e -> name.equals(e.name())).toList();
    }

    int status() {
        return status;
    }

    @Override
    public void close() {
        Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
        reader.interrupt();
    }
}
