package io.hotelcrm.alert.rule;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.platform.inbox.Inbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** The gateway's security events become SUSPICIOUS_ACTIVITY alerts, once per event. */
@ApplicationScoped
public class GatewayEventsConsumer {

    static final String CONSUMER = "alert-service/gateway-events";

    private final Inbox inbox;
    private final SecurityRule security;

    public GatewayEventsConsumer(Inbox inbox, SecurityRule security) {
        this.inbox = inbox;
        this.security = security;
    }

    /** Executions feed no alert: their events are skipped without a transaction. */
    static final Set<EventType> ACTS_ON = Set.of(EventType.SecurityEventRaised);

    @Incoming("gateway-events")
    public Uni<Void> consume(String record) {
        return inbox.consume(CONSUMER, record, ACTS_ON, security::securityEvent);
    }
}
