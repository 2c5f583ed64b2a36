package io.hotelcrm.system.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.stripestub.Webhooks;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers every event the Stripe stub records three times, at random delays of up to a few seconds, so they
 * arrive shuffled (a payment's events out of order, a duplicate after the original) — and keeps retrying one
 * that no delivery got a 2xx for, as Stripe does, until billing-service takes it. Each delivery is signed when
 * it is sent, within the 5-minute tolerance. Every answer goes to the {@link ClientLog}: a webhook is a client.
 */
final class WebhookShuffler implements AutoCloseable {

    static final int COPIES = 3;

    private record Delivery(String eventId, String payload, int copy, long dueNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(dueNanos, ((Delivery) o).dueNanos);
        }
    }

    private final StripeStub stripe;
    private final String url;
    private final Http http;
    private final Random random;
    private final DelayQueue<Delivery> queue = new DelayQueue<>();
    private final Set<String> seen = new HashSet<>();
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread poller;
    private final Thread[] senders = new Thread[2];

    /** Events before this index belong to an earlier run. */
    private final int from;

    WebhookShuffler(StripeStub stripe, String url, Http http, long seed) {
        this.stripe = stripe;
        this.from = stripe.events().size();
        this.url = url;
        this.http = http;
        this.random = new Random(seed * 7919);
        poller = new Thread(this::poll, "webhook-poller");
        poller.setDaemon(true);
        poller.start();
        for (int i = 0; i < senders.length; i++) {
            senders[i] = new Thread(this::send, "webhook-sender-" + i);
            senders[i].setDaemon(true);
            senders[i].start();
        }
    }

    private void poll() {
        while (!stop.get()) {
            List<JsonNode> all = stripe.events();
            List<JsonNode> events = all.subList(from, all.size());
            synchronized (this) {
                for (JsonNode event : events) {
                    String id = event.path("id").asText();
                    if (seen.add(id)) {
                        String payload = event.toString();
                        for (int copy = 0; copy < COPIES; copy++) {
                            schedule(new Delivery(id, payload, copy, 0), 50 + random.nextInt(4_000));
                        }
                    }
                }
            }
            sleep(200);
        }
    }

    private synchronized void schedule(Delivery d, long delayMillis) {
        inFlight.incrementAndGet();
        queue.add(new Delivery(d.eventId(), d.payload(), d.copy(), System.nanoTime() + delayMillis * 1_000_000));
    }

    private void send() {
        while (!stop.get()) {
            Delivery d;
            try {
                d = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (d == null) {
                continue;
            }
            String signature = Webhooks.signatureHeader(d.payload(), Instant.now().getEpochSecond(), stripe.webhookSecret());
            Http.Answer a = http.post("billing-service(webhook)", url.substring(0, url.indexOf("/webhook")), "/webhook/stripe",
                    null, d.payload(), Map.of("Stripe-Signature", signature));
            attempts.merge(d.eventId(), 1, Integer::sum);
            if (a.ok()) {
                taken.add(d.eventId());
            } else if (!taken.contains(d.eventId())) {
                // Stripe retries an event that was not acknowledged with a growing back-off; here 1 s doubling
                // to 8 s (rather than up to hours), with jitter.
                int n = attempts.getOrDefault(d.eventId(), 1);
                schedule(d, Math.min(8_000, 1_000L << Math.min(n / COPIES, 3)) + randomInt(1_000));
            }
            inFlight.decrementAndGet();
        }
    }

    private synchronized int randomInt(int bound) {
        return random.nextInt(bound);
    }

    /** Every event seen so far was delivered three times and acknowledged at least once, and none is queued. */
    synchronized boolean idle() {
        return inFlight.get() == 0 && seen.size() == stripe.events().size() - from && taken.containsAll(seen);
    }

    long events() {
        return seen.size();
    }

    long deliveries() {
        return attempts.values().stream().mapToLong(Integer::longValue).sum();
    }

    Set<String> acknowledged() {
        return Set.copyOf(taken);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop.set(true);
    }
}
