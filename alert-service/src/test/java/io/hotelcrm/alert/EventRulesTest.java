package io.hotelcrm.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.credit.MonthlyResetCompleted;
import io.hotelcrm.contracts.gateway.ExecutionCompleted;
import io.hotelcrm.contracts.gateway.SecurityEventRaised;
import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** PaymentRule, SecurityRule and the monthly-reset notice, fed through Kafka. */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(LocalReceiverResource.class)
class EventRulesTest extends AlertTestSupport {

    @Inject
    Pool pool;

    @Test
    void aFailedPaymentIsHighAndAFailedAutoPurchaseIsOneUrgentAlert() {
        String tenant = tenant();
        producer.send(paymentFailed(tenant, "auto_purchase", 5000));
        producer.send(paymentFailed(tenant, "dashboard", 18000));

        JsonPath log = awaitAlert(tenant, "クレジット購入の決済が失敗しました"::equals);
        assertThat(log.<String>getList("items.alertType")).containsExactly("PAYMENT_FAILED", "AUTO_PURCHASE_FAILED");
        assertThat(log.<String>getList("items.severity")).containsExactly("HIGH", "CRITICAL");
        assertThat(log.getString("items[1].message")).isEqualTo("自動購入が失敗しました。手動でクレジット購入を行ってください。");
        assertThat(log.<String>getList("items[0].details.value")).contains("¥18,000", "card_declined");
        assertThat(log.<String>getList("items[1].details.value")).contains("¥5,000");
    }

    @Test
    void blockedRequestsAreCriticalOncePerUserAndLowScoresAreQuiet() {
        String tenant = tenant();
        producer.send(security(tenant, "user-1", 50, "LOGGED"));   // below 70: nothing
        producer.send(security(tenant, "user-1", 95, "BLOCKED"));
        producer.send(security(tenant, "user-1", 97, "BLOCKED")); // same user within the hour: nothing more
        producer.send(security(tenant, "user-2", 80, "LOGGED"));

        JsonPath log = awaitAlert(tenant, m -> m.contains("異常スコア 80"));
        assertThat(log.<String>getList("items.alertType")).containsExactly("SUSPICIOUS_ACTIVITY", "SUSPICIOUS_ACTIVITY");
        assertThat(log.<String>getList("items.severity")).containsExactly("HIGH", "CRITICAL");
        assertThat(log.getString("items[1].message"))
                .isEqualTo("不審なアクティビティを検知したため、AI機能の利用を一時的に制限しました（異常スコア 95）");
    }

    @Test
    void eventsNoRuleActsOnAreSkippedWithoutARecord() {
        String tenant = tenant();
        EventEnvelope execution = EventEnvelope.wrap(EventType.ExecutionCompleted, tenant, Instant.now(),
                new ExecutionCompleted(UUID.randomUUID().toString(), "user-1", "CHATBOT", "local", "local", 2, 5, 10, 20));
        EventEnvelope blocked = security(tenant, "user-1", 95, "BLOCKED");
        producer.send(execution);
        producer.send(blocked); // same topic and tenant: handled after the execution

        awaitAlert(tenant, m -> m.contains("異常スコア 95"));
        Set<String> recorded = new HashSet<>();
        pool.preparedQuery("select event_id::text from processed_event where event_id = any ($1)")
                .execute(Tuple.of(new UUID[] {execution.id(), blocked.id()})).await().indefinitely()
                .forEach(row -> recorded.add(row.getString(0)));
        // the security event is applied once (its row); the execution needed no transaction at all
        assertThat(recorded).containsExactly(blocked.id().toString());
    }

    @Test
    void theMonthlyResetIsANotice() {
        String tenant = tenant();
        producer.send(EventEnvelope.wrap(EventType.MonthlyResetCompleted, tenant, Instant.now(),
                new MonthlyResetCompleted(UUID.randomUUID().toString(), "2026-12", "ESSENTIAL", 120, 500, 0, 380,
                        "CHATBOT", 76)));

        JsonPath log = awaitAlert(tenant, m -> m.startsWith("2026-12 の月次リセット"));
        assertThat(log.getString("items[0].alertType")).isEqualTo("MONTHLY_RESET");
        assertThat(log.getString("items[0].severity")).isEqualTo("INFO");
        assertThat(log.getString("items[0].message")).isEqualTo("2026-12 の月次リセットが完了しました: 無料クレジット 500 クレジットを付与しました");
    }

    private static EventEnvelope paymentFailed(String tenant, String source, long yen) {
        return EventEnvelope.wrap(EventType.PaymentFailed, tenant, Instant.now(),
                new PaymentFailed("pi_" + UUID.randomUUID(), UUID.randomUUID().toString(), "pkg-500", yen, source,
                        "stored_card", "card_declined", "auto_purchase".equals(source) ? UUID.randomUUID().toString() : null));
    }

    private static EventEnvelope security(String tenant, String user, int score, String action) {
        return EventEnvelope.wrap(EventType.SecurityEventRaised, tenant, Instant.now(),
                new SecurityEventRaised(user, "ANOMALY", score, action, Map.of()));
    }
}
