package io.hotelcrm.alert.log;

import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Stores alerts and reads a tenant's alert log. Every read is scoped to one tenant. */
@ApplicationScoped
public class AlertLogService {

    private final Clock clock;

    public AlertLogService(Clock clock) {
        this.clock = clock;
    }

    /** Stores an alert; call inside the transaction of the event that caused it. */
    public Uni<AlertEntry> record(String tenantId, AlertType type, Severity severity, String title, String message,
                                  String dataJson, UUID sourceEventId) {
        AlertEntry entry = new AlertEntry();
        entry.id = UUID.randomUUID();
        entry.tenantId = tenantId;
        entry.type = type;
        entry.severity = severity;
        entry.title = title;
        entry.message = message;
        entry.data = dataJson;
        entry.sourceEventId = sourceEventId;
        entry.createdAt = clock.instant();
        return entry.persist().replaceWith(entry);
    }

    /** The tenant's alerts, newest first, keyset-paged. */
    public Uni<AlertView.Page> page(String tenantId, AlertType type, AlertCursor after, int limit) {
        StringBuilder query = new StringBuilder("tenantId = :tenant");
        io.quarkus.panache.common.Parameters params = io.quarkus.panache.common.Parameters.with("tenant", tenantId);
        if (type != null) {
            query.append(" and type = :type");
            params.and("type", type);
        }
        if (after != null) {
            query.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            params.and("at", after.createdAt()).and("id", after.id());
        }
        query.append(" order by createdAt desc, id desc");
        return Panache.withSession(() -> AlertEntry.<AlertEntry>find(query.toString(), params)
                .page(0, limit + 1).list())
                .map(rows -> {
                    boolean more = rows.size() > limit;
                    List<AlertEntry> shown = more ? rows.subList(0, limit) : rows;
                    String next = more ? AlertCursor.of(shown.get(shown.size() - 1)).encode() : null;
                    return new AlertView.Page(shown.stream().map(AlertView::of).toList(), next);
                });
    }

    /** One alert of the tenant; another tenant's alert is reported as not found, revealing nothing. */
    public Uni<AlertView> get(String tenantId, UUID id) {
        return Panache.withSession(() -> AlertEntry.<AlertEntry>find("id = ?1 and tenantId = ?2", id, tenantId)
                        .firstResult())
                .onItem().ifNull().failWith(() -> ApiException.notFound("Alert " + id))
                .map(AlertView::of);
    }

    Instant now() {
        return clock.instant();
    }
}
