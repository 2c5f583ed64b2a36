package io.hotelcrm.alert.log;

import io.hotelcrm.platform.paging.PageCursor;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
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
    public Uni<AlertEntry> record(NewAlert alert) {
        AlertEntry entry = new AlertEntry();
        entry.id = UUID.randomUUID();
        entry.tenantId = alert.tenantId();
        entry.type = alert.type();
        entry.severity = alert.severity();
        entry.title = alert.title();
        entry.message = alert.message();
        entry.data = AlertDetails.write(alert.details());
        entry.sourceEventId = alert.sourceEventId();
        entry.createdAt = clock.instant();
        return entry.persist().replaceWith(entry);
    }

    /** The tenant's alerts, newest first, keyset-paged. */
    public Uni<AlertView.Page> page(String tenantId, AlertType type, Boolean acknowledged, PageCursor after, int limit) {
        StringBuilder query = new StringBuilder("tenantId = :tenant");
        Parameters params = Parameters.with("tenant", tenantId);
        if (type != null) {
            query.append(" and type = :type");
            params.and("type", type);
        }
        if (acknowledged != null) {
            query.append(acknowledged ? " and acknowledgedAt is not null" : " and acknowledgedAt is null");
        }
        if (after != null) {
            query.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            params.and("at", after.at()).and("id", after.id());
        }
        query.append(" order by createdAt desc, id desc");
        return Panache.withSession(() -> AlertEntry.<AlertEntry>find(query.toString(), params)
                .page(0, limit + 1).list())
                .map(rows -> {
                    boolean more = rows.size() > limit;
                    List<AlertEntry> shown = more ? rows.subList(0, limit) : rows;
                    String next = more ? new PageCursor(shown.get(shown.size() - 1).createdAt, shown.get(shown.size() - 1).id).encode() : null;
                    return new AlertView.Page(shown.stream().map(AlertView::of).toList(), next);
                });
    }

    /** One alert of the tenant; another tenant's alert is reported as not found, revealing nothing. */
    public Uni<AlertView> get(String tenantId, UUID id) {
        return Panache.withSession(() -> find(tenantId, id)).map(AlertView::of);
    }

    /**
     * Marks the alert acknowledged by {@code user}. Idempotent: acknowledging again keeps the first
     * acknowledgement and answers it.
     */
    public Uni<AlertView> acknowledge(String tenantId, UUID id, String user) {
        return Panache.withTransaction(() -> find(tenantId, id)
                .invoke(entry -> {
                    if (entry.acknowledgedAt == null) {
                        entry.acknowledgedAt = clock.instant();
                        entry.acknowledgedBy = user;
                    }
                }))
                .map(AlertView::of);
    }

    private static Uni<AlertEntry> find(String tenantId, UUID id) {
        return AlertEntry.<AlertEntry>find("id = ?1 and tenantId = ?2", id, tenantId).firstResult()
                .onItem().ifNull().failWith(() -> ApiException.notFound("Alert " + id));
    }
}
