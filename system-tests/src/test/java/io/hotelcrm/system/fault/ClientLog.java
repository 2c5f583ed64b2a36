package io.hotelcrm.system.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every answer a client of the suite got, by service and status. The promise under test: a client gets 2xx,
 * 4xx or 503 (a dependency down, with Retry-After) — never another 5xx. No answer at all (connection refused
 * while a process is dead, a timeout) is counted apart: it is what a killed pod looks like behind a Service,
 * not an answer the service chose.
 */
final class ClientLog {

    /** The status recorded for a request that timed out, apart from a refused connection (-1). */
    static final int TIMEOUT = -2;

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final List<String> offending = new ArrayList<>();

    void record(String service, String method, String path, int status, String body) {
        String key = service + " " + (status == TIMEOUT ? "timeout" : status < 0 ? "no-answer" : String.valueOf(status));
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        if (!allowed(status)) {
            synchronized (offending) {
                if (offending.size() < 50) {
                    offending.add(service + " " + method + " " + path + " -> " + status + " "
                            + (body == null ? "" : body.substring(0, Math.min(300, body.length()))));
                }
            }
        }
    }

    static boolean allowed(int status) {
        return status < 0 || (status >= 200 && status < 300) || (status >= 400 && status < 500) || status == 503;
    }

    long count(java.util.function.Predicate<Integer> status) {
        return counts.entrySet().stream().filter(e -> {
            String s = e.getKey().substring(e.getKey().lastIndexOf(' ') + 1);
            return !s.equals("no-answer") && !s.equals("timeout") && status.test(Integer.parseInt(s));
        }).mapToLong(e -> e.getValue().get()).sum();
    }

    long noAnswer() {
        return counts.entrySet().stream().filter(e -> e.getKey().endsWith("no-answer"))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    long timeouts() {
        return counts.entrySet().stream().filter(e -> e.getKey().endsWith("timeout"))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    long forbidden5xx() {
        return count(s -> s >= 500 && s != 503);
    }

    List<String> offending() {
        synchronized (offending) {
            return List.copyOf(offending);
        }
    }

    /** "service status=count …", sorted, for the table. */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
