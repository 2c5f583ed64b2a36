package io.hotelcrm.alert.delivery;

import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** What administrators may see and do with their tenant's deliveries. */
@ApplicationScoped
public class DeliveryService {

    public Uni<List<DeliveryView>> list(String tenantId, DeliveryStatus status, UUID alertId, int limit) {
        StringBuilder query = new StringBuilder("tenantId = :tenant");
        Parameters params = Parameters.with("tenant", tenantId);
        if (status != null) {
            query.append(" and status = :status");
            params.and("status", status);
        }
        if (alertId != null) {
            query.append(" and alertId = :alert");
            params.and("alert", alertId);
        }
        query.append(" order by createdAt desc, id desc");
        return Panache.withSession(() -> Delivery.<Delivery>find(query.toString(), params).page(0, limit).list())
                .map(rows -> rows.stream().map(DeliveryView::of).toList());
    }

    /** Gives a dead letter a fresh set of attempts. Only dead deliveries can be retried (409 otherwise). */
    public Uni<DeliveryView> retry(String tenantId, UUID id) {
        return Panache.withTransaction(() -> Delivery.<Delivery>find("id = ?1 and tenantId = ?2", id, tenantId)
                        .firstResult()
                        .onItem().ifNull().failWith(() -> ApiException.notFound("Delivery " + id))
                        .chain(d -> {
                            if (d.status != DeliveryStatus.DEAD) {
                                return Uni.createFrom().failure(ApiException.conflict("DELIVERY_NOT_DEAD",
                                        "Delivery " + id + " is " + d.status + "; only DEAD deliveries can be retried"));
                            }
                            return Panache.getSession().chain(s -> s.createNativeQuery(
                                            "update alert_delivery set status = 'PENDING', attempts = 0, "
                                                    + "next_attempt_at = now(), lease_until = null where id = ?1")
                                    .setParameter(1, id).executeUpdate());
                        }))
                .chain(() -> Panache.withSession(() -> Delivery.<Delivery>findById(id)))
                .map(DeliveryView::of);
    }
}
