package io.hotelcrm.platform.health;

import io.hotelcrm.platform.outbox.OutboxRelay;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Kafka and Redis as SmallRye <em>wellness</em> checks ({@code /q/health/well}, also part of {@code /q/health}):
 * DOWN when the dependency is unreachable, with the reason and how many events wait in the outbox, but never
 * part of readiness, liveness or startup, so Kubernetes keeps the pod in its Service and does not restart it.
 * Readiness is the database (Quarkus' datasource checks): without it no API can answer.
 */
@ApplicationScoped
public class DependencyHealthChecks {

    private final DependencyProbe probe;
    private final OutboxRelay outbox;

    public DependencyHealthChecks(DependencyProbe probe, OutboxRelay outbox) {
        this.probe = probe;
        this.outbox = outbox;
    }

    @Produces
    @Wellness
    @ApplicationScoped
    HealthCheck kafkaCheck() {
        return () -> {
            HealthCheckResponseBuilder b = describe(HealthCheckResponse.named(DependencyProbe.KAFKA), probe.kafka())
                    .withData("bootstrapServers", probe.kafkaBootstrapServers())
                    .withData("outboxPending", outbox.pendingEvents());
            if (!probe.kafka().up()) {
                b.withData("impact", "degraded: events wait in the outbox and are sent when Kafka is back; "
                        + "consumers resume from their committed offsets");
            }
            return b.build();
        };
    }

    /** Only in the services that use Redis ({@code platform.dependencies.redis-enabled=true}). */
    @Produces
    @Wellness
    @ApplicationScoped
    @IfBuildProperty(name = "platform.dependencies.redis-enabled", stringValue = "true")
    HealthCheck redisCheck() {
        return () -> {
            HealthCheckResponseBuilder b = describe(HealthCheckResponse.named(DependencyProbe.REDIS), probe.redis());
            if (!probe.redis().up()) {
                b.withData("impact", "degraded: caches, rate limits and de-duplication fall back as documented");
            }
            return b.build();
        };
    }

    private static HealthCheckResponseBuilder describe(HealthCheckResponseBuilder b, DependencyState s) {
        b.status(s.up());
        if (s.checkedAt() != null) {
            b.withData("checkedAt", s.checkedAt().toString());
        }
        if (s.lastUpAt() != null) {
            b.withData("lastUpAt", s.lastUpAt().toString());
        }
        if (s.checkedAt() == null) {
            b.withData("checkedAt", "not probed yet");
        }
        if (s.error() != null) {
            b.withData("error", s.error());
            b.withData("consecutiveFailures", s.consecutiveFailures());
        }
        return b;
    }
}
