package io.hotelcrm.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.UsageRecorded;
import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(LocalReceiverResource.class)
class UsageSpikeRuleTest extends AlertTestSupport {

    @Test
    void fourTimesTheHourlyAverageIsASpikeOncePerHour() {
        String tenant = tenant();
        String account = UUID.randomUUID().toString();
        Instant now = Instant.now();
        history(tenant, account, now, 10);

        producer.send(usage(tenant, account, 40, now)); // 4 x 10
        producer.send(usage(tenant, account, 40, now)); // still the same hour: no second alert
        producer.send(sentinel(tenant, 5));

        JsonPath log = awaitAlert(tenant, m -> m.contains(": 5 クレジット"));
        assertThat(log.<String>getList("items.alertType")).containsExactly("CREDITS_ADDED", "USAGE_SPIKE");
        assertThat(log.getString("items[1].message")).isEqualTo("時間あたりのクレジット使用量が急増しています: 40 クレジット");
        assertThat(log.getString("items[1].severity")).isEqualTo("WARNING");
        assertThat(log.<String>getList("items[1].details.value")).contains("40 クレジット", "10.0 クレジット", "4.0 倍");
    }

    @Test
    void twiceTheHourlyAverageIsNot() {
        String tenant = tenant();
        String account = UUID.randomUUID().toString();
        Instant now = Instant.now();
        history(tenant, account, now, 10);

        producer.send(usage(tenant, account, 20, now)); // 2 x 10
        producer.send(sentinel(tenant, 6));

        JsonPath log = awaitAlert(tenant, m -> m.contains(": 6 クレジット"));
        assertThat(log.<String>getList("items.alertType")).containsExactly("CREDITS_ADDED");
    }

    @Test
    void anAccountWithoutEnoughHistoryRaisesNothing() {
        String tenant = tenant();
        String account = UUID.randomUUID().toString();
        Instant now = Instant.now();
        producer.send(usage(tenant, account, 1, now.minus(Duration.ofHours(2))));
        producer.send(usage(tenant, account, 500, now)); // 500 x the average of two hours of history
        producer.send(sentinel(tenant, 7));

        JsonPath log = awaitAlert(tenant, m -> m.contains(": 7 クレジット"));
        assertThat(log.<String>getList("items.alertType")).containsExactly("CREDITS_ADDED");
    }

    /** 24 earlier hours of {@code perHour} credits each: too old to be judged, they only feed the roll-up. */
    private void history(String tenant, String account, Instant now, long perHour) {
        for (int hoursAgo = 1; hoursAgo <= 24; hoursAgo++) {
            producer.send(usage(tenant, account, perHour, now.minus(Duration.ofHours(hoursAgo))));
        }
    }

    private static EventEnvelope usage(String tenant, String account, long credits, Instant at) {
        return EventEnvelope.wrap(EventType.UsageRecorded, tenant, at,
                new UsageRecorded(account, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(), "CHATBOT", "user-1", credits, 1000, 1000));
    }

}
