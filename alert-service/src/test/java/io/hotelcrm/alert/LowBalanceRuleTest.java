package io.hotelcrm.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.alert.rule.AlertDedupe;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(LocalReceiverResource.class)
class LowBalanceRuleTest extends AlertTestSupport {

    @Inject
    MutableClock clock;
    @Inject
    AlertDedupe dedupe;

    final LocalReceiver slack = LocalReceiver.shared();

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void oneAlertPerAdminAndOneSlackPostThenNothingFor24HoursThenAgain() {
        String tenant = tenant();
        String account = UUID.randomUUID().toString();
        String manager = address("manager", tenant);
        String frontDesk = address("frontdesk", tenant);
        String slackPath = "/slack/" + tenant;
        channels(tenant, List.of(manager, frontDesk), slack.url(slackPath), List.of("CREDITS_ADDED"));
        Instant first = Instant.parse("2026-11-24T06:03:07Z"); // 15:03:07 in Tokyo
        clock.set(first);

        producer.send(balanceLow(tenant, account, "CRITICAL", 8, first));

        List<GreenMailInbox.Message> toManager = await(() -> GreenMailInbox.of(manager), m -> m.size() == 1);
        List<GreenMailInbox.Message> toFrontDesk = await(() -> GreenMailInbox.of(frontDesk), m -> m.size() == 1);
        List<LocalReceiver.Request> posts = await(() -> slack.requests(slackPath), r -> r.size() == 1);

        GreenMailInbox.Message mail = toManager.get(0);
        assertThat(mail.subject()).isEqualTo("[テストホテル] クレジット残高が少なくなっています: 8 クレジット");
        assertThat(mail.header("X-Priority")).startsWith("1");
        assertThat(mail.header("Importance")).isEqualTo("High");
        assertThat(mail.part("text/plain"))
                .contains("テストホテル ご担当者様", "【緊急】", "クレジット残高が少なくなっています: 8 クレジット",
                        "アラートタイプ: 残高不足（LOW_BALANCE）", "重要度: 緊急（CRITICAL）", "発生時刻: 2026/11/24 15:03:07",
                        "現在の残高: 8 クレジット", "推奨アクション: クレジット購入をお勧めします");
        assertThat(mail.part("text/html")).contains("<h2 style=\"margin-bottom: 4px;\">クレジット残高が少なくなっています</h2>");
        assertThat(toFrontDesk.get(0).subject()).isEqualTo(mail.subject());

        JsonPath post = JsonPath.from(posts.get(0).body());
        assertThat(post.getString("username")).isEqualTo("CRM Alert Bot");
        assertThat(post.getString("icon_emoji")).isEqualTo(":rotating_light:");
        assertThat(post.getString("text")).isEqualTo("クレジット残高が少なくなっています: 8 クレジット");
        assertThat(post.getString("attachments[0].color")).isEqualTo("danger");
        assertThat(post.getString("attachments[0].footer")).isEqualTo("CRM Monitoring System");
        assertThat(post.<Map<String, Object>>getList("attachments[0].fields")).containsExactly(
                Map.of("title", "アラートタイプ", "value", "LOW_BALANCE", "short", true),
                Map.of("title", "重要度", "value", "CRITICAL", "short", true),
                Map.of("title", "発生時刻", "value", "2026/11/24 15:03:07", "short", true));

        // the same condition again 23 h later: nothing, not even a log entry
        clock.set(first.plus(Duration.ofHours(23)));
        producer.send(balanceLow(tenant, account, "CRITICAL", 7, clock.instant()));
        producer.send(sentinel(tenant, 3));
        JsonPath log = awaitAlert(tenant, m -> m.contains(": 3 クレジット"));
        assertThat(log.<String>getList("items.alertType")).containsExactly("CREDITS_ADDED", "LOW_BALANCE");
        assertThat(deliveries(tenant, "ALL").<String>getList("channel"))
                .containsExactlyInAnyOrder("DASHBOARD", "DASHBOARD", "EMAIL", "EMAIL", "SLACK");

        // 24 h after the first alert it may alert again
        clock.set(first.plus(Duration.ofHours(24)).plusSeconds(1));
        producer.send(balanceLow(tenant, account, "CRITICAL", 6, clock.instant()));
        await(() -> GreenMailInbox.of(manager), m -> m.size() == 2);
        await(() -> GreenMailInbox.of(frontDesk), m -> m.size() == 2);
        await(() -> slack.requests(slackPath), r -> r.size() == 2);
        assertThat(GreenMailInbox.of(manager).get(1).subject()).isEqualTo("[テストホテル] クレジット残高が少なくなっています: 6 クレジット");
    }

    @Test
    void aClaimWhoseTransactionDidNotCommitDoesNotSilenceTheAlert() throws Throwable {
        String tenant = tenant();
        String account = UUID.randomUUID().toString();
        channels(tenant, List.of(address("manager", tenant)), null, List.of());
        // The rule's claim is made and its transaction then fails (a failed commit, or the process dying before it).
        String key = "alert-service:low-balance:" + account + ":CRITICAL";
        Throwable failed = null;
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> dedupe.claim(key, Duration.ofHours(24))
                    .invoke(claimed -> assertThat(claimed).isTrue())
                    .chain(claimed -> Uni.createFrom().failure(new IllegalStateException("commit failed")))));
        } catch (IllegalStateException e) {
            failed = e;
        }
        assertThat(failed).hasMessage("commit failed");

        producer.send(balanceLow(tenant, account, "CRITICAL", 8, Instant.now()));
        awaitAlert(tenant, m -> m.endsWith(": 8 クレジット"));
        // and the claim committed with that alert holds: the same level again within 24 h is silent
        producer.send(balanceLow(tenant, account, "CRITICAL", 7, Instant.now()));
        producer.send(sentinel(tenant, 3));
        awaitAlert(tenant, m -> m.contains(": 3 クレジット"));
        assertThat(alerts(tenant).<String>getList("items.alertType")).containsExactly("CREDITS_ADDED", "LOW_BALANCE");
    }

    @Test
    void aWarningDoesNotSilenceTheCriticalThatFollowsAndWarningsAreNormalPriority() {
        String tenant = tenant();
        String account = UUID.randomUUID().toString();
        String manager = address("manager", tenant);
        channels(tenant, List.of(manager), null, List.of());

        producer.send(balanceLow(tenant, account, "WARNING", 42, Instant.now()));
        producer.send(balanceLow(tenant, account, "WARNING", 41, Instant.now()));
        producer.send(balanceLow(tenant, account, "CRITICAL", 9, Instant.now()));

        awaitAlert(tenant, m -> m.endsWith(": 9 クレジット"));
        assertThat(alerts(tenant).<String>getList("items.message")).containsExactly(
                "クレジット残高が少なくなっています: 9 クレジット", "クレジット残高が少なくなっています: 42 クレジット");
        assertThat(alerts(tenant).<String>getList("items.severity")).containsExactly("CRITICAL", "WARNING");
        List<GreenMailInbox.Message> mails = await(() -> GreenMailInbox.of(manager), m -> m.size() == 2);
        GreenMailInbox.Message warning = mails.stream().filter(m -> m.subject().endsWith("42 クレジット")).findFirst().orElseThrow();
        assertThat(warning.header("X-Priority")).isNull();
        assertThat(warning.part("text/plain")).doesNotContain("【緊急】").contains("重要度: 警告（WARNING）");
    }
}
