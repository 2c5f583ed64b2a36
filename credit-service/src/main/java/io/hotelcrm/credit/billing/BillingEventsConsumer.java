package io.hotelcrm.credit.billing;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.contracts.billing.PlanChanged;
import io.hotelcrm.credit.grant.GrantSource;
import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.credit.plan.PlanType;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.platform.inbox.Inbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Applies billing-service's events to the ledger, each exactly once: the inbox mark is written in the
 * ledger's transaction, under the account's lock, together with the effect.
 */
@ApplicationScoped
public class BillingEventsConsumer {

    static final String CONSUMER = "credit-service/billing-events";

    private final Inbox inbox;
    private final Ledger ledger;
    private final PendingRefunds pendingRefunds;

    public BillingEventsConsumer(Inbox inbox, Ledger ledger, PendingRefunds pendingRefunds) {
        this.inbox = inbox;
        this.ledger = ledger;
        this.pendingRefunds = pendingRefunds;
    }

    @Incoming("billing-events")
    public Uni<Void> consume(String record) {
        return inbox.consumeInOwnTransaction(CONSUMER, record, this::apply);
    }

    private Uni<Boolean> apply(EventEnvelope e, Inbox.Mark mark) {
        EventType type = EventType.valueOf(e.type());
        if (type == EventType.PaymentSucceeded) {
            // After the grant (or a duplicate of it), the refunds that came first are applied.
            PaymentSucceeded paid = e.dataAs(EventType.PaymentSucceeded, PaymentSucceeded.class);
            return ledger.submitOnce(paid(e.tenantId(), paid, mark))
                    .call(() -> pendingRefunds.settle(e.tenantId(), paid.paymentId()));
        }
        if (type == EventType.PaymentRefunded) {
            return pendingRefunds.refund(refunded(e.tenantId(), e.dataAs(EventType.PaymentRefunded, PaymentRefunded.class), mark));
        }
        LedgerOp op = switch (type) {
            case PaymentFailed -> new LedgerOp.PaymentFailed(e.tenantId(),
                    e.dataAs(EventType.PaymentFailed, PaymentFailed.class).autoPurchaseRequestId(), mark);
            case PlanChanged -> planChanged(e.tenantId(), e.dataAs(EventType.PlanChanged, PlanChanged.class), mark);
            default -> null;
        };
        return op == null ? Uni.createFrom().item(Boolean.FALSE) : ledger.submitOnce(op);
    }

    /** A paid purchase becomes a PURCHASE grant, once per payment id whatever the delivery count. */
    private static LedgerOp paid(String tenantId, PaymentSucceeded paid, Inbox.Mark mark) {
        String key = PendingRefunds.grantKey(paid.paymentId());
        return new LedgerOp.Grant(tenantId, GrantSource.PURCHASE, paid.credits(), null, paid.paymentId(),
                TransactionType.PURCHASE, key, RequestHash.of("payment", paid.paymentId(), paid.credits()), null,
                "クレジット購入 " + paid.credits() + " クレジット (" + paid.method() + ")", paid.autoPurchaseRequestId(), mark);
    }

    /**
     * Claws back what is left of the refunded purchase; credits already spent stay spent. A refund of a payment
     * not granted yet waits for it ({@link PendingRefunds}).
     */
    private static LedgerOp.Refund refunded(String tenantId, PaymentRefunded refund, Inbox.Mark mark) {
        return new LedgerOp.Refund(tenantId, refund.paymentId(), refund.credits(), "refund:" + refund.refundId(),
                "返金によるクレジット取消 (" + refund.paymentId() + ")", mark);
    }

    private static LedgerOp planChanged(String tenantId, PlanChanged change, Inbox.Mark mark) {
        return new LedgerOp.ChangePlan(tenantId, PlanType.valueOf(change.newPlan()), change.previousPlan(),
                change.effectiveAt(), mark);
    }
}
