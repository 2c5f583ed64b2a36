package io.hotelcrm.credit.billing;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.contracts.billing.PlanChanged;
import io.hotelcrm.platform.inbox.Inbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Applies billing-service's events to the ledger, each exactly once (platform inbox). */
@ApplicationScoped
public class BillingEventsConsumer {

    static final String CONSUMER = "credit-service/billing-events";

    private final Inbox inbox;
    private final PaymentEffects payments;
    private final PlanChanges plans;

    public BillingEventsConsumer(Inbox inbox, PaymentEffects payments, PlanChanges plans) {
        this.inbox = inbox;
        this.payments = payments;
        this.plans = plans;
    }

    @Incoming("billing-events")
    public Uni<Void> consume(String record) {
        return inbox.consume(CONSUMER, record, this::apply);
    }

    private Uni<Void> apply(EventEnvelope e) {
        return switch (EventType.valueOf(e.type())) {
            case PaymentSucceeded -> payments.succeeded(e.tenantId(), e.dataAs(EventType.PaymentSucceeded, PaymentSucceeded.class));
            case PaymentFailed -> payments.failed(e.tenantId(), e.dataAs(EventType.PaymentFailed, PaymentFailed.class));
            case PaymentRefunded -> payments.refunded(e.tenantId(), e.dataAs(EventType.PaymentRefunded, PaymentRefunded.class));
            case PlanChanged -> plans.changePlan(e.tenantId(), e.dataAs(EventType.PlanChanged, PlanChanged.class));
            default -> Uni.createFrom().voidItem();
        };
    }
}
