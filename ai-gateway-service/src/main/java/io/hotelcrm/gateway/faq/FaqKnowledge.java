package io.hotelcrm.gateway.faq;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.platform.persistence.Transient;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * What each tenant's chatbot knows ({@link FaqEntry#knowledgeOf}), kept in memory between changes, so a
 * chatbot request reads no database. This replica forgets a tenant's knowledge when the tenant's FAQ changes
 * through it; other replicas see the change within {@code gateway.faq.cache-ttl}. The entries are shared
 * between requests and only read.
 *
 * <p>No request waits for a read once the tenant is known: past half the TTL the first request starts one read
 * in the background and is answered from memory, as are all others until that read lands. Only a tenant not in
 * memory (first use, or idle for the whole TTL) waits, and then all its concurrent requests wait for one read.
 */
@ApplicationScoped
public class FaqKnowledge {

    private static final Logger LOG = Logger.getLogger(FaqKnowledge.class);

    /** {@code readAt}: the clock's millis when the read began. */
    private record Known(List<FaqEntry> entries, long readAt) {
    }

    private final Cache<String, Known> byTenant;
    /** One read per tenant at a time; removed when it lands. */
    private final ConcurrentMap<String, CompletableFuture<List<FaqEntry>>> reading = new ConcurrentHashMap<>();
    private final long refreshAfterMillis;
    private final Duration databaseTimeout;
    /** Bumped on every change: a read that began before one must not put back what it read. */
    private final AtomicLong changes = new AtomicLong();

    private final Vertx vertx;
    private final Clock clock;

    public FaqKnowledge(GatewayConfig config, Vertx vertx, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
        this.byTenant = Caffeine.newBuilder().maximumSize(config.faq().cachedTenants())
                .expireAfterWrite(config.faq().cacheTtl()).ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
        this.refreshAfterMillis = config.faq().cacheTtl().toMillis() / 2;
        this.databaseTimeout = config.databaseTimeout();
    }

    public Uni<List<FaqEntry>> of(String tenant) {
        Known known = byTenant.getIfPresent(tenant);
        if (known == null) {
            return answerOnCallersContext(read(tenant));
        }
        if (clock.millis() - known.readAt() > refreshAfterMillis) {
            read(tenant); // in the background: this request answers from memory
        }
        return Uni.createFrom().item(known.entries());
    }

    /** After a change to the tenant's FAQ has committed. */
    public void changed(String tenant) {
        changes.incrementAndGet();
        byTenant.invalidate(tenant);
    }

    /**
     * The tenant's read in flight, or a new one on a context of its own (a session of its own, whatever the request
     * that started it does next).
     */
    private CompletableFuture<List<FaqEntry>> read(String tenant) {
        CompletableFuture<List<FaqEntry>> mine = new CompletableFuture<>();
        CompletableFuture<List<FaqEntry>> running = reading.putIfAbsent(tenant, mine);
        if (running != null) {
            return running;
        }
        long seen = changes.get();
        long startedAt = clock.millis();
        Context own = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(own, true); // its own, so Hibernate Reactive may open a session on it
        own.runOnContext(v -> Uni.createFrom().deferred(() -> Transient.bounded(
                        Panache.withSession(() -> FaqEntry.knowledgeOf(tenant)), databaseTimeout))
                .subscribe().with(entries -> {
                    if (changes.get() == seen) {
                        byTenant.put(tenant, new Known(entries, startedAt));
                    }
                    reading.remove(tenant, mine);
                    mine.complete(entries);
                }, failure -> {
                    reading.remove(tenant, mine);
                    if (byTenant.getIfPresent(tenant) != null) {
                        LOG.warnf("FAQ of tenant %s not read again (answering from memory): %s", tenant, failure.toString());
                    }
                    mine.completeExceptionally(failure);
                }));
        return mine;
    }

    /** Waiters resume on their own event loop, not on the one whose read they shared. */
    private static <T> Uni<T> answerOnCallersContext(CompletableFuture<T> future) {
        Uni<T> answer = Uni.createFrom().completionStage(future);
        Context context = Vertx.currentContext();
        return context == null ? answer : answer.emitOn(task -> context.runOnContext(v -> task.run()));
    }
}
