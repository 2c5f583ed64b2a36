package io.hotelcrm.billing.autopurchase;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventJson;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.platform.inbox.Inbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * credit-service's events that concern billing: AutoPurchaseRequested. The request is recorded once
 * (platform inbox, in one transaction); the Stripe charge happens after that commit, outside any database
 * transaction, and is safe to repeat (Stripe idempotency key = request id).
 */
@ApplicationScoped
public class CreditEventsConsumer {

    static final String CONSUMER = "billing-service/credit-events";

    private final Inbox inbox;
    private final AutoPurchaseService autoPurchases;

    public CreditEventsConsumer(Inbox inbox, AutoPurchaseService autoPurchases) {
        this.inbox = inbox;
        this.autoPurchases = autoPurchases;
    }

    /** Every execution's UsageRecorded and the other credit events are skipped without a transaction. */
    static final Set<EventType> ACTS_ON = Set.of(EventType.AutoPurchaseRequested);

    @Incoming("credit-events")
    public Uni<Void> consume(String record) {
        return inbox.consume(CONSUMER, record, ACTS_ON, this::apply).chain(() -> charge(record));
    }

    private Uni<Void> apply(EventEnvelope e) { // only AutoPurchaseRequested reaches here (ACTS_ON)
        return autoPurchases.register(e.tenantId(), e.dataAs(EventType.AutoPurchaseRequested, AutoPurchaseRequested.class));
    }

    private Uni<Void> charge(String record) {
        EventEnvelope e = EventJson.read(record); // the inbox already parsed it successfully
        if (!EventType.AutoPurchaseRequested.name().equals(e.type())) {
            return Uni.createFrom().voidItem();
        }
        return autoPurchases.chargeIfPending(e.dataAs(EventType.AutoPurchaseRequested, AutoPurchaseRequested.class).requestId());
    }
}
