package io.hotelcrm.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentActionRequired;
import io.hotelcrm.contracts.credit.AutoPurchaseSuspended;
import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Auto-purchase never stops silently: each way it does not buy reaches the admins, in Japanese, with what to do. */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(LocalReceiverResource.class)
class AutoPurchaseAlertsTest extends AlertTestSupport {

    @Test
    void turnedOffAfterConsecutiveFailuresIsCriticalAndSaysWhatToDo() {
        String tenant = tenant();
        producer.send(EventEnvelope.wrap(EventType.AutoPurchaseSuspended, tenant, Instant.now(), new AutoPurchaseSuspended(
                UUID.randomUUID().toString(), "apr-3", "CONSECUTIVE_FAILURES", true, 3, "card_declined", null, null, 0, 0,
                "2026-12")));

        JsonPath log = awaitAlert(tenant, m -> m.startsWith("自動購入が 3 回続けて失敗したため"));
        assertThat(log.getString("items[0].alertType")).isEqualTo("AUTO_PURCHASE_FAILED");
        assertThat(log.getString("items[0].severity")).isEqualTo("CRITICAL");
        assertThat(log.getString("items[0].title")).isEqualTo("自動購入を停止しました");
        assertThat(log.getString("items[0].message")).contains("カードを確認・更新してから自動購入をオンに戻してください");
        assertThat(log.<String>getList("items[0].details.value")).contains("3 回", "カードが拒否されました");
    }

    @Test
    void aChargeThatNeeds3DSecureSendsTheAdminTheLinkToConfirmIt() {
        String tenant = tenant();
        String link = "https://crm.example/?confirmPurchase=" + UUID.randomUUID();
        producer.send(EventEnvelope.wrap(EventType.PaymentActionRequired, tenant, Instant.now(), new PaymentActionRequired(
                "pi_3ds", "pur-3ds", "pkg-500", 5500, "auto_purchase", "apr-4", link)));

        JsonPath log = awaitAlert(tenant, m -> m.contains(link));
        assertThat(log.getString("items[0].severity")).isEqualTo("CRITICAL");
        assertThat(log.getString("items[0].title")).isEqualTo("自動購入の本人認証が必要です");
        assertThat(log.getString("items[0].message")).startsWith("自動購入の決済にカード会社の本人認証（3Dセキュア）が必要です。");
        assertThat(log.<String>getList("items[0].details.value")).contains(link, "¥5,500");
    }

    @Test
    void theMonthlyCapAndAReleasedRequestAreAnnounced() {
        String tenant = tenant();
        producer.send(EventEnvelope.wrap(EventType.AutoPurchaseSuspended, tenant, Instant.now(), new AutoPurchaseSuspended(
                UUID.randomUUID().toString(), null, "MONTHLY_CAP_REACHED", false, 0, null, 1000L, 11000L, 1000, 11000,
                "2026-12")));
        producer.send(EventEnvelope.wrap(EventType.AutoPurchaseSuspended, tenant, Instant.now(), new AutoPurchaseSuspended(
                UUID.randomUUID().toString(), "apr-5", "NO_ANSWER", false, 1, "no_answer", null, null, 500, 5500, "2026-12")));

        JsonPath log = awaitAlert(tenant, m -> m.startsWith("自動購入の決済結果が時間内に確認できなかった"));
        assertThat(log.<String>getList("items.title")).containsExactlyInAnyOrder("自動購入の月間上限に達しました",
                "自動購入の結果を確認できませんでした");
        assertThat(log.<String>getList("items.severity")).containsExactlyInAnyOrder("WARNING", "HIGH");
        assertThat(log.<String>getList("items.message")).contains("2026-12 の自動購入が月間上限に達したため、今回は購入しませんでした。");
    }
}
