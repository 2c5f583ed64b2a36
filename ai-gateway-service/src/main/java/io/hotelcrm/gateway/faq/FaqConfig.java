package io.hotelcrm.gateway.faq;

/** The tenants' FAQ knowledge base ({@code gateway.faq.*}). */
public interface FaqConfig {

    /** How many entries of its own a tenant may keep. */
    int maxEntriesPerTenant();
}
