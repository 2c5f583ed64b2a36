package io.hotelcrm.gateway;

import static io.hotelcrm.gateway.ExecuteResourceTest.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.gateway.faq.FaqEntry;
import io.hotelcrm.gateway.faq.FaqKnowledge;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.MutableClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chatbot's knowledge in memory: one read per tenant however many requests ask at once, and, once known,
 * answered from memory while a read in the background picks up what another replica changed (rows written
 * straight to the table here stand for that replica). The TTL is the configured 30 s.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(CreditServiceResource.class)
class FaqKnowledgeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    FaqKnowledge knowledge;

    @Inject
    MutableClock clock;

    @Inject
    Pool pool;

    @AfterEach
    void followTheSystemClockAgain() {
        clock.reset();
    }

    @Test
    void requestsThatArriveTogetherShareOneRead() {
        String tenant = tenant();
        List<Uni<List<FaqEntry>>> asked = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            asked.add(knowledge.of(tenant));
        }
        List<FaqEntry> first = asked.get(0).await().atMost(WAIT);
        assertThat(first).hasSize(5); // the defaults
        for (Uni<List<FaqEntry>> answer : asked) {
            assertThat(answer.await().atMost(WAIT)).isSameAs(first); // the very list of one read
        }
    }

    @Test
    void pastHalfTheTtlTheKnownAnswerComesAtOnceAndTheNextSeesTheChange() throws InterruptedException {
        Instant start = Instant.now();
        clock.set(start);
        String tenant = tenant();
        List<FaqEntry> known = knowledge.of(tenant).await().atMost(WAIT);
        addEntryAsAnotherReplica(tenant, "ペットは同伴できますか");

        clock.set(start.plusSeconds(10)); // young: no read
        assertThat(knowledge.of(tenant).await().atMost(WAIT)).isSameAs(known);

        clock.set(start.plusSeconds(16)); // past half of 30 s: answered from memory, one read starts
        assertThat(knowledge.of(tenant).await().atMost(WAIT)).isSameAs(known);
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<FaqEntry> now = known;
        while (now == known && System.nanoTime() < deadline) {
            Thread.sleep(20); // the background read lands when it lands: poll for it, up to the deadline
            now = knowledge.of(tenant).await().atMost(WAIT);
        }
        assertThat(now).extracting(e -> e.question).contains("ペットは同伴できますか").hasSize(6);

        // Unused for the whole TTL: forgotten, and the next request waits for a read of what is there now.
        addEntryAsAnotherReplica(tenant, "喫煙所はありますか");
        clock.set(start.plusSeconds(16 + 31));
        assertThat(knowledge.of(tenant).await().atMost(WAIT)).extracting(e -> e.question)
                .contains("喫煙所はありますか").hasSize(7);
    }

    private void addEntryAsAnotherReplica(String tenant, String question) {
        pool.preparedQuery("insert into faq_entries (id, tenant_id, question, answer, created_at) values ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(UUID.randomUUID(), tenant, question, "はい。",
                        OffsetDateTime.now(ZoneOffset.UTC)))
                .await().atMost(WAIT);
    }
}
