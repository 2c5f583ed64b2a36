package io.hotelcrm.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.alert.health.HealthVerdict;
import io.hotelcrm.alert.health.SystemHealthWatch;
import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(LocalReceiverResource.class)
class SystemHealthWatchTest extends AlertTestSupport {

    static final String OPERATORS = "/slack/operators"; // alert.system.slack-webhook-url in the tests

    @Inject
    SystemHealthWatch watch;

    final LocalReceiver receiver = LocalReceiver.shared();

    @Test
    void oneFailingCheckIsAWarningMoreAreCriticalAndEachChangeIsToldOnce() {
        baseline();

        receiver.healthOf("billing-service", LocalReceiver.Health.down(List.of("stripe"), "database", "redis"));
        HealthVerdict one = check();
        assertThat(one.failing()).containsExactly("billing-service: stripe");
        assertThat(one.total()).isEqualTo(6); // 2 + 1 + 3 checks
        assertThat(one.raised()).isTrue();
        JsonPath warning = awaitPost();
        assertThat(warning.getString("text")).isEqualTo("システムヘルスチェックで問題が検出されました");
        assertThat(warning.getString("attachments[0].fields[0].value")).isEqualTo("SYSTEM_HEALTH");
        assertThat(warning.getString("attachments[0].fields[1].value")).isEqualTo("WARNING");

        int posts = receiver.requests(OPERATORS).size();
        assertThat(check().raised()).isFalse(); // the same problem 30 s later: already told

        receiver.healthOf("credit-service", LocalReceiver.Health.down(List.of("database"), "redis"));
        HealthVerdict two = check();
        assertThat(two.failing()).containsExactly("billing-service: stripe", "credit-service: database");
        JsonPath critical = awaitPost();
        assertThat(critical.getString("attachments[0].fields[1].value")).isEqualTo("CRITICAL");
        assertThat(critical.getString("attachments[0].color")).isEqualTo("danger");
        assertThat(receiver.requests(OPERATORS)).hasSize(posts + 1); // nothing was posted for the repeat

        allUp();
        assertThat(check().failing()).isEmpty();
        JsonPath allClear = awaitPost();
        assertThat(allClear.getString("text")).isEqualTo("システムヘルスチェックは正常に戻りました");
        assertThat(allClear.getString("attachments[0].fields[1].value")).isEqualTo("INFO");
    }

    @Test
    void aServiceThatDoesNotAnswerIsAFailingCheck() {
        baseline();
        receiver.healthOf("ai-gateway-service", new LocalReceiver.Health(502, "<html>bad gateway</html>"));
        assertThat(check().failing()).containsExactly("ai-gateway-service: HTTP 502");
        assertThat(awaitPost().getString("attachments[0].fields[1].value")).isEqualTo("WARNING");
        baseline();
    }

    /** All up, and told so if it was not, so each test starts from a known state and no post in flight. */
    private void baseline() {
        allUp();
        if (check().raised()) {
            awaitPost();
        }
    }

    private int seen;

    /** Waits for the next post to the operators' Slack and returns it. */
    private JsonPath awaitPost() {
        List<LocalReceiver.Request> posts = await(() -> receiver.requests(OPERATORS), r -> r.size() > seen);
        assertThat(posts).hasSize(seen + 1);
        return JsonPath.from(posts.get(seen++).body());
    }

    private HealthVerdict check() {
        if (seen == 0) {
            seen = receiver.requests(OPERATORS).size();
        }
        try {
            // the watch runs on a Vert.x context as its scheduler would run it
            return VertxContextSupport.subscribeAndAwait(() -> watch.checkOnce());
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private void allUp() {
        receiver.healthOf("credit-service", LocalReceiver.Health.up("database", "redis"));
        receiver.healthOf("ai-gateway-service", LocalReceiver.Health.up("database"));
        receiver.healthOf("billing-service", LocalReceiver.Health.up("database", "redis"));
    }
}
