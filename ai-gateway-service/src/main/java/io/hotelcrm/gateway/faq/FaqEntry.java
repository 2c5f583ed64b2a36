package io.hotelcrm.gateway.faq;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A question and answer of a tenant's FAQ; tenant '*' holds the defaults every tenant starts with. A
 * tenant's entry may override one default ({@code overridesId}): that default is then no longer part of
 * the tenant's knowledge.
 */
@Entity
@Table(name = "faq_entries")
public class FaqEntry extends PanacheEntityBase {

    public static final String DEFAULTS = "*";

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId;

    @Column(nullable = false)
    public String question;

    @Column(nullable = false)
    public String answer;

    /** The default entry this one replaces for its tenant. */
    @Column(name = "overrides_id")
    public UUID overridesId;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_hash")
    public String requestHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public boolean isDefault() {
        return DEFAULTS.equals(tenantId);
    }

    /** What the tenant's chatbot knows: its own entries, then the defaults it has not overridden. */
    public static Uni<List<FaqEntry>> knowledgeOf(String tenantId) {
        return FaqEntry.<FaqEntry>list("tenantId = ?1 or tenantId = ?2 order by createdAt, id", tenantId, DEFAULTS)
                .map(all -> {
                    Set<UUID> overridden = all.stream().filter(e -> !e.isDefault() && e.overridesId != null)
                            .map(e -> e.overridesId).collect(Collectors.toSet());
                    return all.stream().sorted((a, b) -> Boolean.compare(a.isDefault(), b.isDefault()))
                            .filter(e -> !(e.isDefault() && overridden.contains(e.id))).toList();
                });
    }

    /** One of the tenant's own entries, or null. */
    public static Uni<FaqEntry> ownedBy(String tenantId, UUID id) {
        return FaqEntry.<FaqEntry>find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
    }
}
