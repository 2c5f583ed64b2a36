package io.hotelcrm.gateway.faq;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.platform.persistence.Transient;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each tenant's chatbot knows ({@link FaqEntry#knowledgeOf}), kept in memory between changes, so a
 * chatbot request reads no database. This replica forgets a tenant's knowledge when the tenant's FAQ changes
 * through it; other replicas see the change within {@code gateway.faq.cache-ttl}. The entries are shared
 * between requests and only read.
 */
@ApplicationScoped
public class FaqKnowledge {

    private final Cache<String, List<FaqEntry>> byTenant;
    private final Duration databaseTimeout;
    /** Bumped on every change: a read that began before one must not put back what it read. */
    private final AtomicLong changes = new AtomicLong();

    public FaqKnowledge(GatewayConfig config) {
        this.byTenant = Caffeine.newBuilder().maximumSize(config.faq().cachedTenants())
                .expireAfterWrite(config.faq().cacheTtl()).build();
        this.databaseTimeout = config.databaseTimeout();
    }

    public Uni<List<FaqEntry>> of(String tenant) {
        List<FaqEntry> known = byTenant.getIfPresent(tenant);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        long seen = changes.get();
        return Transient.bounded(Panache.withSession(() -> FaqEntry.knowledgeOf(tenant)), databaseTimeout)
                .invoke(read -> {
                    if (changes.get() == seen) {
                        byTenant.put(tenant, read);
                    }
                });
    }

    /** After a change to the tenant's FAQ has committed. */
    public void changed(String tenant) {
        changes.incrementAndGet();
        byTenant.invalidate(tenant);
    }
}
