package io.hotelcrm.alert.rule;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.platform.inbox.Inbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Turns credit-service events into alerts, each event applied once (the platform inbox). */
@ApplicationScoped
public class CreditEventsConsumer {

    static final String CONSUMER = "alert-service/credit-events";

    private final Inbox inbox;
    private final CreditNotices notices;
    private final LowBalanceRule lowBalance;
    private final UsageSpikeRule usageSpike;
    private final AutoPurchaseRule autoPurchase;

    public CreditEventsConsumer(Inbox inbox, CreditNotices notices, LowBalanceRule lowBalance, UsageSpikeRule usageSpike,
                                AutoPurchaseRule autoPurchase) {
        this.autoPurchase = autoPurchase;
        this.inbox = inbox;
        this.notices = notices;
        this.lowBalance = lowBalance;
        this.usageSpike = usageSpike;
    }

    /** CreditsExpired and AutoPurchaseRequested tell nobody anything: skipped without a transaction. */
    static final Set<EventType> ACTS_ON = Set.of(EventType.CreditsGranted, EventType.MonthlyResetCompleted,
            EventType.BalanceLow, EventType.UsageRecorded, EventType.AutoPurchaseSuspended);

    @Incoming("credit-events")
    public Uni<Void> consume(String record) {
        return inbox.consume(CONSUMER, record, ACTS_ON, this::apply);
    }

    private Uni<Void> apply(EventEnvelope event) {
        return switch (EventType.valueOf(event.type())) {
            case CreditsGranted -> notices.creditsAdded(event);
            case MonthlyResetCompleted -> notices.monthlyReset(event);
            case BalanceLow -> lowBalance.balanceLow(event);
            case UsageRecorded -> usageSpike.usageRecorded(event);
            case AutoPurchaseSuspended -> autoPurchase.suspended(event);
            default -> Uni.createFrom().voidItem(); // CreditsExpired, AutoPurchaseRequested: nothing to tell
        };
    }
}
