package io.hotelcrm.gateway.faq;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A question and answer of a tenant's FAQ; tenant '*' holds the defaults every tenant starts with. */
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

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The tenant's own entries, or the defaults while it has none. */
    public static Uni<List<FaqEntry>> knowledgeOf(String tenantId) {
        return FaqEntry.<FaqEntry>list("tenantId", tenantId)
                .chain(own -> own.isEmpty() ? FaqEntry.<FaqEntry>list("tenantId", DEFAULTS) : Uni.createFrom().item(own));
    }
}
