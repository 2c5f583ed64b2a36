package io.hotelcrm.testsupport;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads a topic of the real broker from the end (as of {@link #start}) and keeps every envelope it
 * sees, so a test can wait for the events its action should produce.
 */
public final class EventRecorder implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    private EventRecorder(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-recorder-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic));
        // Join the group and fix the start position before the test acts.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            return !consumer.assignment().isEmpty();
        });
        consumer.assignment().forEach(consumer::position);
        poller = new Thread(this::poll, "event-recorder-" + topic);
        poller.setDaemon(true);
        poller.start();
    }

    public static EventRecorder start(String bootstrapServers, String topic) {
        return new EventRecorder(bootstrapServers, topic);
    }

    private void poll() {
        while (running) {
            synchronized (consumer) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
    }

    /** Every envelope recorded so far, in arrival order. */
    public List<EventEnvelope> envelopes() {
        List<EventEnvelope> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            out.add(EventJson.read(r.value()));
        }
        return out;
    }

    public List<ConsumerRecord<String, String>> records() {
        return List.copyOf(records);
    }

    /** Waits until {@code count} envelopes match and returns them. */
    public List<EventEnvelope> awaitEnvelopes(Predicate<EventEnvelope> match, int count, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> envelopes().stream().filter(match).count() >= count);
        return envelopes().stream().filter(match).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(2000);
        synchronized (consumer) {
            consumer.close(Duration.ofSeconds(1));
        }
    }
}
