package io.hotelcrm.credit;

import static io.hotelcrm.credit.LedgerApi.newTenant;
import static io.hotelcrm.credit.LedgerApi.open;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventJson;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.Topics;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.testsupport.EventRecorder;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TcpProxy;
import io.hotelcrm.testsupport.TestEventProducer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer policy for money events (issue 12, gap 1), against the real broker and PostgreSQL, the database
 * reached through a TCP proxy that the test can cut: a payment that meets a database outage is retried until the
 * database is back, never dead-lettered; a refund that comes before its payment waits for it; only a record that
 * can never be applied goes to the dead-letter topic, and the events behind it are applied.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@TestProfile(MoneyEventsPolicyTest.DatabaseBehindProxy.class)
class MoneyEventsPolicyTest {

    static final String CONSUMER = "credit-service/billing-events";
    static final String DLQ = Topics.BILLING_EVENTS + ".dlq.credit-service";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;
    @Inject
    MeterRegistry registry;

    TestEventProducer producer;

    @BeforeEach
    void connect() {
        producer = new TestEventProducer(kafka);
    }

    @AfterEach
    void disconnect() throws IOException {
        DatabaseBehindProxy.proxy.restore();
        producer.close();
    }

    @Test
    void aPaymentDuringA30SecondDatabaseOutageIsAppliedWhenTheDatabaseIsBackAndItsRefundAfterIt() throws Exception {
        String tenant = newTenant();
        open(tenant);
        try (EventRecorder deadLetters = EventRecorder.start(kafka, DLQ)) {
            double retriedBefore = retried();
            Instant cut = Instant.now();
            DatabaseBehindProxy.proxy.refuse();
            producer.send(EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(),
                    new PaymentSucceeded("pi_outage", "pur-o", "pkg-2000", 2000, 18000, "dashboard", "stripe", null)));
            producer.send(EventEnvelope.wrap(EventType.PaymentRefunded, tenant, Instant.now(),
                    new PaymentRefunded("pi_outage", "re_outage", 18000, 2000)));
            // The outage lasts 30 s and at least until the payment has failed more often than the old policy
            // allowed (5 retries, then the dead-letter topic).
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> retried() - retriedBefore >= 6 && Duration.between(cut, Instant.now()).toSeconds() >= 30);
            DatabaseBehindProxy.proxy.restore();

            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> entries(tenant, "REFUND") == 1);
            assertThat(entries(tenant, "PURCHASE")).as("the payment was granted").isEqualTo(1);
            assertThat(sum(tenant, "REFUND")).as("the refund took the payment's credits back").isEqualTo(-2000);
            assertThat(LedgerApi.available(tenant)).isEqualTo(500);
            assertThat(deadLetters.records().stream().filter(r -> tenant.equals(r.key())).toList())
                    .as("nothing of this tenant dead-lettered").isEmpty();
        }
    }

    @Test
    void aRefundBeforeItsPaymentWaitsAndIsAppliedWhenThePaymentArrives() throws Exception {
        String tenant = newTenant();
        open(tenant);
        EventEnvelope refund = EventEnvelope.wrap(EventType.PaymentRefunded, tenant, Instant.now(),
                new PaymentRefunded("pi_late", "re_early", 9000, 1000));
        producer.send(refund);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> pending(tenant) == 1);
        producer.send(refund); // a redelivery while it waits changes nothing
        producer.send(EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(),
                new PaymentSucceeded("pi_late", "pur-l", "pkg-2000", 2000, 18000, "dashboard", "stripe", null)));

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> entries(tenant, "REFUND") == 1 && pending(tenant) == 0);
        assertThat(sum(tenant, "PURCHASE")).isEqualTo(2000);
        assertThat(sum(tenant, "REFUND")).isEqualTo(-1000);
        assertThat(LedgerApi.available(tenant)).isEqualTo(500 + 1000);
    }

    @Test
    void onlyARecordThatCanNeverBeAppliedIsDeadLetteredAndTheEventsBehindItAreApplied() throws Exception {
        String tenant = newTenant();
        open(tenant);
        try (EventRecorder deadLetters = EventRecorder.start(kafka, DLQ)) {
            producer.sendRaw(Topics.BILLING_EVENTS, tenant, "{not json");
            EventEnvelope future = EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(),
                    new PaymentSucceeded("pi_v9", "pur-v9", "pkg-500", 500, 5000, "dashboard", "stripe", null));
            producer.sendRaw(Topics.BILLING_EVENTS, tenant, EventJson.write(new EventEnvelope(UUID.randomUUID(),
                    future.type(), 9, tenant, future.occurredAt(), future.data())));
            producer.send(EventEnvelope.wrap(EventType.PaymentSucceeded, tenant, Instant.now(),
                    new PaymentSucceeded("pi_ok", "pur-ok", "pkg-500", 500, 5000, "dashboard", "stripe", null)));

            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> entries(tenant, "PURCHASE") == 1);
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> deadLetters.records().stream().filter(r -> tenant.equals(r.key())).count() == 2);
            List<ConsumerRecord<String, String>> dead = deadLetters.records().stream()
                    .filter(r -> tenant.equals(r.key())).toList();
            assertThat(dead.get(0).value()).isEqualTo("{not json");
            assertThat(EventJson.read(dead.get(1).value()).version()).isEqualTo(9);
            assertThat(new String(dead.get(1).headers().lastHeader("dead-letter-reason").value()))
                    .contains("version 9");
            assertThat(sum(tenant, "PURCHASE")).as("only the readable payment").isEqualTo(500);
        }
    }

    private double retried() {
        return registry.find("events.consumed").tags("consumer", CONSUMER, "outcome", "retried_transient")
                .counters().stream().mapToDouble(Counter::count).sum();
    }

    // Read directly, not through the service's pools (whose connections the proxy cut).
    private static long entries(String tenant, String type) throws SQLException {
        return single("select count(*) from ai_credit_transactions t join ai_credit_accounts a on a.id = t.account_id "
                + "where a.tenant_id = ? and t.transaction_type = ?", tenant, type);
    }

    private static long sum(String tenant, String type) throws SQLException {
        return single("select coalesce(sum(t.credits_amount), 0) from ai_credit_transactions t join ai_credit_accounts a "
                + "on a.id = t.account_id where a.tenant_id = ? and t.transaction_type = ?", tenant, type);
    }

    private static long pending(String tenant) throws SQLException {
        return single("select count(*) from pending_refund where tenant_id = ?", tenant);
    }

    private static long single(String sql, Object... args) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/credit_test", "credit", "credit");
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** credit-service with its database (reactive and JDBC) behind a proxy the test cuts and restores. */
    public static class DatabaseBehindProxy implements QuarkusTestProfile {

        static volatile TcpProxy proxy;

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Proxy.class));
        }
    }

    public static class Proxy implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                DatabaseBehindProxy.proxy = TcpProxy.to(() -> 5432);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("db.port", String.valueOf(DatabaseBehindProxy.proxy.port()));
        }

        @Override
        public void stop() {
            try {
                DatabaseBehindProxy.proxy.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
