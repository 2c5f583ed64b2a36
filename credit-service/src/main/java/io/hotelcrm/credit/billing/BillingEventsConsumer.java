package io.hotelcrm.credit.billing;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentRefundFailed;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentReinstated;
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
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
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
    private final Pool pool;

    public BillingEventsConsumer(Inbox inbox, Ledger ledger, PendingRefunds pendingRefunds, Pool pool) {
        this.inbox = inbox;
        this.ledger = ledger;
        this.pendingRefunds = pendingRefunds;
        this.pool = pool;
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
        if (type == EventType.PaymentRefundFailed) {
            return refundFailed(e.tenantId(), e.dataAs(EventType.PaymentRefundFailed, PaymentRefundFailed.class), mark);
        }
        if (type == EventType.PaymentReinstated) {
            return reinstated(e.tenantId(), e.dataAs(EventType.PaymentReinstated, PaymentReinstated.class), mark);
        }
        LedgerOp op = switch (type) {
            case PaymentFailed -> failed(e.tenantId(), e.dataAs(EventType.PaymentFailed, PaymentFailed.class), mark);
            case PlanChanged -> planChanged(e.tenantId(), e.dataAs(EventType.PlanChanged, PlanChanged.class), mark);
            default -> null;
        };
        return op == null ? Uni.createFrom().item(Boolean.FALSE) : ledger.submitOnce(op);
    }

    private static LedgerOp failed(String tenantId, PaymentFailed failed, Inbox.Mark mark) {
        return new LedgerOp.PaymentFailed(tenantId, failed.autoPurchaseRequestId(), failed.reason(), mark);
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

    /**
     * A won dispute gives back what its hold-back ({@code refund:dispute:<id>}) took — its entry and what of its owed
     * part later credits settled — never more than billing held back, and cancels what of it is still owed, as a
     * PURCHASE grant of the payment (so a later refund of it finds it) under the key {@code dispute-won:<id>}: once,
     * whatever the delivery count, all decided by the ledger under the account's lock ({@link LedgerOp.Reverse}). A
     * hold-back still waiting for its payment's grant is dropped instead (won before it took anything).
     */
    private Uni<Boolean> reinstated(String tenantId, PaymentReinstated won, Inbox.Mark mark) {
        String holdBack = "dispute:" + won.disputeId();
        return dropPending(tenantId, holdBack, mark)
                .chain(dropped -> dropped != null ? Uni.createFrom().item(dropped)
                        : ledger.submitOnce(new LedgerOp.Reverse(tenantId, won.paymentId(), "refund:" + holdBack,
                                won.credits(), "dispute-won:" + won.disputeId(), "チャージバック勝訴によるクレジット返還", mark)));
    }

    /**
     * A refund that failed after it had succeeded gives back what its step ({@code refund:<step refund id>}) took and
     * cancels what of it is still owed, at most the failed credits, under the key {@code refund-failed:<refund id>:<step>}
     * ({@link LedgerOp.Reverse}). A step still waiting for its payment's grant is shrunk by the failed credits instead
     * (dropped when nothing is left of it), in one transaction with the event's mark.
     */
    private Uni<Boolean> refundFailed(String tenantId, PaymentRefundFailed failed, Inbox.Mark mark) {
        Tuple step = Tuple.of(tenantId, failed.stepRefundId());
        return pool.withTransaction(conn -> conn.preparedQuery("select credits from pending_refund where tenant_id = $1 "
                        + "and refund_id = $2 for update").execute(step)
                .chain(rows -> !rows.iterator().hasNext() ? Uni.createFrom().<Boolean>nullItem()
                        : mark.recordIn(conn).chain(marked -> !marked ? Uni.createFrom().item(Boolean.FALSE)
                                : (rows.iterator().next().getLong(0) <= failed.credits()
                                        ? conn.preparedQuery("delete from pending_refund where tenant_id = $1 "
                                                + "and refund_id = $2").execute(step)
                                        : conn.preparedQuery("update pending_refund set credits = credits - $3 "
                                                + "where tenant_id = $1 and refund_id = $2")
                                                .execute(Tuple.of(tenantId, failed.stepRefundId(), failed.credits())))
                                        .replaceWith(Boolean.TRUE))))
                .chain(done -> done != null ? Uni.createFrom().item(done)
                        : ledger.submitOnce(new LedgerOp.Reverse(tenantId, failed.paymentId(),
                                "refund:" + failed.stepRefundId(), failed.credits(),
                                "refund-failed:" + failed.refundId() + ":" + failed.stepRefundId(),
                                "返金失敗によるクレジット返還", mark)));
    }

    /**
     * Deletes a refund still waiting for its payment's grant together with the event's mark (one transaction): it
     * never took anything. Answers null when none was waiting, else whether the mark was new.
     */
    private Uni<Boolean> dropPending(String tenantId, String refundId, Inbox.Mark mark) {
        return pool.withTransaction(conn -> conn.preparedQuery("delete from pending_refund where tenant_id = $1 "
                        + "and refund_id = $2").execute(Tuple.of(tenantId, refundId))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().<Boolean>nullItem() : mark.recordIn(conn)));
    }

    private static LedgerOp planChanged(String tenantId, PlanChanged change, Inbox.Mark mark) {
        return new LedgerOp.ChangePlan(tenantId, PlanType.valueOf(change.newPlan()), change.previousPlan(),
                change.effectiveAt(), mark);
    }
}
