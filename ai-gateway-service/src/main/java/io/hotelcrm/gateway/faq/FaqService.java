package io.hotelcrm.gateway.faq;

import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A tenant's FAQ: its own entries (read-write) and the shared defaults (read-only, but a tenant's entry
 * can override one). Every query is scoped to the caller's tenant; another tenant's entry is "not found".
 */
@ApplicationScoped
public class FaqService {

    private static final Pattern MARKUP = Pattern.compile("<\\s*[A-Za-z/!][^>]*>");

    private final FaqSearch search;
    private final GatewayConfig config;
    private final Clock clock;

    public FaqService(FaqSearch search, GatewayConfig config, Clock clock) {
        this.search = search;
        this.config = config;
        this.clock = clock;
    }

    /** The entry and whether this call created it (false for a replay of the same Idempotency-Key). */
    public record Saved(FaqViews.FaqView entry, boolean created) {
    }

    @WithSession
    public Uni<List<FaqViews.FaqView>> listEntries(String tenant) {
        return FaqEntry.knowledgeOf(tenant).map(all -> all.stream().map(FaqViews.FaqView::of).toList());
    }

    @WithSession
    public Uni<FaqViews.FaqView> entry(String tenant, String id) {
        UUID uuid = parse(id);
        return FaqEntry.<FaqEntry>find("id = ?1 and (tenantId = ?2 or tenantId = ?3)", uuid, tenant, FaqEntry.DEFAULTS)
                .firstResult().map(e -> {
                    if (e == null) {
                        throw ApiException.notFound("FAQ entry " + id);
                    }
                    return FaqViews.FaqView.of(e);
                });
    }

    @WithTransaction
    public Uni<Saved> addEntry(String tenant, FaqViews.FaqInput input, String idempotencyKey) {
        FaqViews.FaqInput clean = plain(input);
        if (idempotencyKey != null && !RequestHash.KEY.matcher(idempotencyKey).matches()) {
            throw ApiException.validation("Idempotency-Key must be 1-200 characters of letters, digits and ._:@/-");
        }
        String hash = RequestHash.of(clean.question(), clean.answer(), clean.overrides());
        Uni<FaqEntry> previous = idempotencyKey == null ? Uni.createFrom().nullItem()
                : FaqEntry.<FaqEntry>find("tenantId = ?1 and idempotencyKey = ?2", tenant, idempotencyKey).firstResult();
        return previous.chain(found -> {
            if (found != null) {
                if (!hash.equals(found.requestHash)) {
                    throw ApiException.idempotencyConflict(idempotencyKey);
                }
                return Uni.createFrom().item(new Saved(FaqViews.FaqView.of(found), false));
            }
            return FaqEntry.count("tenantId", tenant).chain(count -> {
                if (count >= config.faq().maxEntriesPerTenant()) {
                    throw ApiException.conflict("FAQ_LIMIT_REACHED", "A tenant may keep at most "
                            + config.faq().maxEntriesPerTenant() + " FAQ entries; delete one first");
                }
                return overrideFor(tenant, clean, null);
            }).chain(overrides -> {
                FaqEntry e = new FaqEntry();
                e.id = UUID.randomUUID();
                e.tenantId = tenant;
                e.question = clean.question();
                e.answer = clean.answer();
                e.overridesId = overrides.orElse(null);
                e.idempotencyKey = idempotencyKey;
                e.requestHash = hash;
                e.createdAt = clock.instant();
                return e.<FaqEntry>persist().map(saved -> new Saved(FaqViews.FaqView.of(saved), true));
            });
        });
    }

    @WithTransaction
    public Uni<FaqViews.FaqView> updateEntry(String tenant, String id, FaqViews.FaqInput input) {
        FaqViews.FaqInput clean = plain(input);
        return owned(tenant, id).chain(e -> (clean.overrides() == null
                ? Uni.createFrom().item(Optional.ofNullable(e.overridesId))
                : overrideFor(tenant, clean, e.id)).map(overrides -> {
            e.question = clean.question();
            e.answer = clean.answer();
            e.overridesId = overrides.orElse(null);
            e.updatedAt = clock.instant();
            return FaqViews.FaqView.of(e);
        }));
    }

    @WithTransaction
    public Uni<Void> deleteEntry(String tenant, String id) {
        return owned(tenant, id).chain(e -> e.delete());
    }

    /** The tenant's own entry; a default is read-only (409), anything else not found (404). */
    private Uni<FaqEntry> owned(String tenant, String id) {
        UUID uuid = parse(id);
        return FaqEntry.<FaqEntry>find("id = ?1 and (tenantId = ?2 or tenantId = ?3)", uuid, tenant, FaqEntry.DEFAULTS)
                .firstResult().map(e -> {
                    if (e == null) {
                        throw ApiException.notFound("FAQ entry " + id);
                    }
                    if (e.isDefault()) {
                        throw ApiException.conflict("DEFAULT_FAQ_READ_ONLY", "Default entries are shared by every "
                                + "tenant; create your own entry with \"overrides\": \"" + id + "\" to replace it");
                    }
                    return e;
                });
    }

    /**
     * The default the entry replaces: the one named in {@code overrides} (must be a default the tenant has
     * not overridden with another entry), or on create a default asking the same question.
     */
    private Uni<Optional<UUID>> overrideFor(String tenant, FaqViews.FaqInput input, UUID self) {
        return FaqEntry.<FaqEntry>list("tenantId = ?1 or tenantId = ?2", tenant, FaqEntry.DEFAULTS).map(all -> {
            List<UUID> taken = all.stream().filter(e -> !e.isDefault() && e.overridesId != null && !e.id.equals(self))
                    .map(e -> e.overridesId).toList();
            List<FaqEntry> defaults = all.stream().filter(FaqEntry::isDefault).toList();
            if (input.overrides() != null) {
                UUID wanted = parseOverrides(input.overrides());
                if (defaults.stream().noneMatch(d -> d.id.equals(wanted))) {
                    throw ApiException.validation("overrides must be the id of a default FAQ entry");
                }
                if (taken.contains(wanted)) {
                    throw ApiException.conflict("FAQ_ALREADY_OVERRIDDEN",
                            "Another of your entries already overrides default entry " + wanted);
                }
                return Optional.of(wanted);
            }
            return defaults.stream().filter(d -> !taken.contains(d.id))
                    .map(d -> new FaqSearch.Match(d, search.similarity(input.question(), d.question)))
                    .filter(m -> m.score() >= FaqSearch.SAME_QUESTION)
                    .max(Comparator.comparingDouble(FaqSearch.Match::score))
                    .map(m -> m.entry().id);
        });
    }

    private static FaqViews.FaqInput plain(FaqViews.FaqInput input) {
        String question = input.question().strip();
        String answer = input.answer().strip();
        if (MARKUP.matcher(question).find() || MARKUP.matcher(answer).find()) {
            throw ApiException.validation("question and answer must be plain text without HTML markup");
        }
        return new FaqViews.FaqInput(question, answer, input.overrides());
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("FAQ entry " + id);
        }
    }

    private static UUID parseOverrides(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("overrides must be the id of a default FAQ entry");
        }
    }
}
