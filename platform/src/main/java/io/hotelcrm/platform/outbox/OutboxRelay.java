package io.hotelcrm.platform.outbox;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in commit order and marks them sent.
 *
 * <p>Safe with several replicas: a transaction-scoped advisory lock lets one relay work at a time, so
 * rows go out in {@code seq} order and a tenant's events keep their order. A row is marked sent only
 * after Kafka acknowledged it; a crash in between re-sends it, which consumers deduplicate
 * (at-least-once delivery, exactly-once effect). A batch is handed to the producer whole and marked sent
 * up to its first unacknowledged row; the idempotent producer's sequence numbers make the broker refuse
 * a partition's later records once an earlier one failed, so a tenant's events never overtake each other.
 * Plain JDBC on a worker thread: the relay blocks on Kafka acknowledgements by design.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Arbitrary constant naming the relay's advisory lock; each service has its own database. */
    private static final long RELAY_LOCK = 0x6f7574626f78L;
    private static final long LAG_REFRESH_NANOS = 5_000_000_000L;

    private final AgroalDataSource dataSource;
    private final OutboxKafkaProducer kafka;
    private final OutboxConfig config;
    private final Clock clock;
    private final Counter published;
    private final Counter failures;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private long lastLagRefresh = System.nanoTime() - LAG_REFRESH_NANOS;

    public OutboxRelay(AgroalDataSource dataSource, OutboxKafkaProducer kafka, OutboxConfig config, Clock clock,
                       MeterRegistry registry) {
        this.dataSource = dataSource;
        this.kafka = kafka;
        this.config = config;
        this.clock = clock;
        this.published = Counter.builder("outbox.events.published").description("Outbox events acknowledged by Kafka")
                .register(registry);
        this.failures = Counter.builder("outbox.publish.failures").description("Failed outbox sends (retried)")
                .register(registry);
        Gauge.builder("outbox.events.pending", pending, AtomicLong::get)
                .description("Outbox events not yet acknowledged by Kafka").register(registry);
        Gauge.builder("outbox.oldest.unsent.age", oldestAgeSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest unsent outbox event (outbox lag)").register(registry);
    }

    /** Unsent events as of the relay's last run (the {@code outbox_events_pending} gauge). */
    public long pendingEvents() {
        return pending.get();
    }

    @Scheduled(every = "${platform.outbox.poll-interval}", delayed = "${platform.outbox.initial-delay}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "outbox-relay")
    void tick() {
        try {
            int sent;
            int total = 0;
            do {
                sent = relayBatch();
                total += sent;
            } while (sent == config.batchSize());
            // The lag gauges cost a query: refreshed after a run that published, otherwise every few seconds.
            if (total > 0 || System.nanoTime() - lastLagRefresh > LAG_REFRESH_NANOS) {
                refreshLag();
                lastLagRefresh = System.nanoTime();
            }
        } catch (SQLException e) {
            LOG.warnf("outbox relay could not reach the database: %s", e.getMessage());
        }
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "outbox-cleanup")
    void deleteOldSentRows() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from outbox_event where sent_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant().minus(config.retention())));
            int deleted = ps.executeUpdate();
            if (deleted > 0) {
                LOG.debugf("deleted %d sent outbox rows", deleted);
            }
        }
    }

    /** Publishes up to one batch; returns how many rows were acknowledged by Kafka. */
    public int relayBatch() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int sent = relayBatch(c);
                c.commit();
                return sent;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private int relayBatch(Connection c) throws SQLException {
        if (!tryLock(c)) {
            return 0; // another replica is relaying
        }
        List<Row> rows = nextRows(c);
        // The whole batch is handed to the producer before waiting, so it travels in a few produce requests;
        // the idempotent producer keeps each partition (each tenant's key) in order.
        List<Future<?>> acks = new ArrayList<>(rows.size());
        Exception failure = null;
        for (Row row : rows) {
            try {
                acks.add(kafka.sendAsync(row.topic, row.key, row.id, row.type, row.payload));
            } catch (RuntimeException e) {
                failure = e;
                break;
            }
        }
        long deadline = System.nanoTime() + config.sendTimeout().toNanos();
        int sent = 0;
        for (Future<?> ack : acks) {
            if (failure != null) {
                break;
            }
            try {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                sent++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            } catch (ExecutionException | TimeoutException e) {
                failure = e;
            }
        }
        // Only the acknowledged prefix counts as sent: the rest is sent again, and consumers deduplicate
        // what had reached Kafka after all.
        markSent(c, rows.subList(0, sent));
        if (failure != null && sent < rows.size()) {
            Row row = rows.get(sent);
            failures.increment();
            kafka.reset();
            recordFailure(c, row.seq, failure);
            LOG.warnf("outbox event %s (%s) not published yet, will retry: %s", row.id, row.type, failure);
        }
        published.increment(sent);
        return sent;
    }

    private boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, RELAY_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private List<Row> nextRows(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select seq, id, topic, kafka_key, type, payload from outbox_event "
                        + "where sent_at is null order by seq limit ?")) {
            ps.setInt(1, config.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
        }
        return rows;
    }

    /** Marks rows sent in one statement. */
    private void markSent(Connection c, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "update outbox_event set sent_at = ?, attempts = attempts + 1, last_error = null where seq = any(?)")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setArray(2, c.createArrayOf("bigint", rows.stream().map(Row::seq).toArray(Long[]::new)));
            ps.executeUpdate();
        }
    }

    private void recordFailure(Connection c, long seq, Exception e) throws SQLException {
        String message = String.valueOf(e.getMessage());
        try (PreparedStatement ps = c.prepareStatement(
                "update outbox_event set attempts = attempts + 1, last_error = ? where seq = ?")) {
            ps.setString(1, message.length() > 1000 ? message.substring(0, 1000) : message);
            ps.setLong(2, seq);
            ps.executeUpdate();
        }
    }

    private void refreshLag() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select count(*), min(created_at) from outbox_event where sent_at is null");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            pending.set(rs.getLong(1));
            Timestamp oldest = rs.getTimestamp(2);
            oldestAgeSeconds.set(oldest == null ? 0
                    : Math.max(0, (clock.millis() - oldest.getTime()) / 1000));
        }
    }

    private record Row(long seq, UUID id, String topic, String key, String type, String payload) {
    }
}
