package io.hotelcrm.alert.rule;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.platform.inbox.Inbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Failed payments from billing-service become alerts, once per event. */
@ApplicationScoped
public class BillingEventsConsumer {

    static final String CONSUMER = "alert-service/billing-events";

    private final Inbox inbox;
    private final PaymentRule payments;
    private final AutoPurchaseRule autoPurchase;

    public BillingEventsConsumer(Inbox inbox, PaymentRule payments, AutoPurchaseRule autoPurchase) {
        this.autoPurchase = autoPurchase;
        this.inbox = inbox;
        this.payments = payments;
    }

    /** Successes are announced by credit-service's CreditsGranted; the rest are skipped without a transaction. */
    static final Set<EventType> ACTS_ON = Set.of(EventType.PaymentActionRequired, EventType.PaymentFailed);

    @Incoming("billing-events")
    public Uni<Void> consume(String record) {
        return inbox.consume(CONSUMER, record, ACTS_ON, this::apply);
    }

    private Uni<Void> apply(EventEnvelope event) {
        if (EventType.PaymentActionRequired.name().equals(event.type())) {
            return autoPurchase.actionRequired(event);
        }
        return EventType.PaymentFailed.name().equals(event.type())
                ? payments.paymentFailed(event)
                : Uni.createFrom().voidItem(); // successes are announced by credit-service's CreditsGranted
    }
}
