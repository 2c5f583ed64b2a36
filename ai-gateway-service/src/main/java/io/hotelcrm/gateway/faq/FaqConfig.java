package io.hotelcrm.gateway.faq;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The tenants' FAQ knowledge base ({@code gateway.faq.*}). */
public interface FaqConfig {

    /** How many entries of its own a tenant may keep. */
    int maxEntriesPerTenant();

    /** How long a replica answers from a tenant's FAQ as it read it; a change through another replica shows after this. */
    @WithDefault("30s")
    Duration cacheTtl();

    /** Tenants whose FAQ a replica keeps in memory. */
    @WithDefault("10000")
    int cachedTenants();
}
