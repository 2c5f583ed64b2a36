package io.hotelcrm.alert.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.alert.log.AlertView;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The live dashboard stream across replicas: an alert is published once on a Redis channel, every
 * replica receives it and hands it to the SSE clients of that tenant it serves. Pub/sub is
 * at-most-once by nature; the alert log is the record, the stream only the doorbell.
 */
@ApplicationScoped
public class AlertStream {

    static final String CHANNEL = "alert-service:stream";
    private static final Logger LOG = Logger.getLogger(AlertStream.class);

    record StreamMessage(String tenantId, AlertView alert) {
    }

    private final ReactivePubSubCommands<String> pubsub;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final BroadcastProcessor<StreamMessage> hub = BroadcastProcessor.create();
    private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;
    private volatile boolean stopping;

    public AlertStream(ReactiveRedisDataSource redis, ObjectMapper json, Vertx vertx) {
        this.pubsub = redis.pubsub(String.class);
        this.json = json;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        try {
            subscribe().await().atMost(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warnf("live stream not subscribed yet (%s); retrying in the background", e.toString());
            resubscribeLater();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (subscriber != null) {
            subscriber.unsubscribe().subscribe().with(x -> { }, e -> { });
        }
        hub.onComplete();
    }

    private Uni<Void> subscribe() {
        return pubsub.subscribe(CHANNEL, this::receive, this::resubscribeLater, e -> {
                    LOG.warnf("live stream subscription failed: %s", e.toString());
                    resubscribeLater();
                })
                .invoke(s -> subscriber = s)
                .replaceWithVoid();
    }

    private void resubscribeLater() {
        if (!stopping) {
            vertx.setTimer(1000, id -> subscribe().subscribe().with(x -> { }, e -> resubscribeLater()));
        }
    }

    private void receive(String raw) {
        try {
            hub.onNext(json.readValue(raw, StreamMessage.class));
        } catch (JsonProcessingException e) {
            LOG.warnf("ignoring an unreadable stream message: %s", e.getOriginalMessage());
        }
    }

    /** Sends an alert to the tenant's live clients on every replica. */
    public Uni<Void> publish(String tenantId, AlertView alert) {
        try {
            return pubsub.publish(CHANNEL, json.writeValueAsString(new StreamMessage(tenantId, alert)));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** The tenant's alerts from now on; nothing of any other tenant. */
    public Multi<AlertView> of(String tenantId) {
        return hub.filter(m -> tenantId.equals(m.tenantId())).map(StreamMessage::alert)
                .onOverflow().buffer(512); // a slow client that falls this far behind is cut off and reconnects
    }
}
