package io.hotelcrm.credit.billing;

import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.platform.inbox.Inbox;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Per-payment ordering by state: a refund is applied after its payment's grant, whatever order the events come
 * in. A refund whose payment has no grant yet is recorded in {@code pending_refund} (with the inbox mark, in one
 * transaction) instead of taking nothing; when the payment's grant is written, and every
 * {@code credit.pending-refunds.interval} for what a crash or a rebalance left behind, the pending refunds of
 * granted payments are submitted to the ledger (key {@code refund:<refund id>}, so at most once) and deleted.
 */
@ApplicationScoped
public class PendingRefunds {

    private static final Logger LOG = Logger.getLogger(PendingRefunds.class);

    private static final String GRANTED = "select exists (select 1 from ai_credit_transactions t "
            + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id = $1 and t.idempotency_key = $2)";

    private final Pool pool;
    private final Ledger ledger;
    private final AtomicLong waiting = new AtomicLong();

    public PendingRefunds(Pool pool, Ledger ledger, MeterRegistry registry) {
        this.pool = pool;
        this.ledger = ledger;
        Gauge.builder("credit.refunds.pending", waiting, AtomicLong::get)
                .description("Refunds waiting for their payment's grant (the payment event has not been applied yet)")
                .register(registry);
    }

    /** The ledger entry key of a payment's grant (BillingEventsConsumer). */
    static String grantKey(String paymentId) {
        return "payment:" + paymentId;
    }

    /**
     * A refund event: applied at once when its payment is granted, else kept pending with the event's mark.
     *
     * @return false when the consumer had seen the event before
     */
    public Uni<Boolean> refund(LedgerOp.Refund op) {
        return pool.preparedQuery(GRANTED).execute(Tuple.of(op.tenantId(), grantKey(op.paymentId())))
                .chain(rows -> rows.iterator().next().getBoolean(0)
                        ? ledger.submitOnce(op)
                        : keep(op));
    }

    private Uni<Boolean> keep(LedgerOp.Refund op) {
        Inbox.Mark mark = op.mark();
        return pool.withTransaction(conn -> mark.recordIn(conn)
                .chain(marked -> !marked
                        ? Uni.createFrom().item(Boolean.FALSE)
                        : conn.preparedQuery("insert into pending_refund (tenant_id, refund_id, payment_id, credits, "
                                        + "description) values ($1, $2, $3, $4, $5) on conflict do nothing")
                                .execute(Tuple.of(op.tenantId(), refundId(op), op.paymentId(), op.credits(),
                                        op.description()))
                                .invoke(() -> LOG.infof("refund %s of tenant %s waits for its payment %s",
                                        refundId(op), op.tenantId(), op.paymentId()))
                                .replaceWith(Boolean.TRUE)));
    }

    /** Applies the refunds of one payment that were waiting for it (after its grant, or a duplicate of it). */
    public Uni<Void> settle(String tenantId, String paymentId) {
        return pool.preparedQuery("select tenant_id, refund_id, payment_id, credits, description from pending_refund "
                        + "where tenant_id = $1 and payment_id = $2").execute(Tuple.of(tenantId, paymentId))
                .chain(this::apply);
    }

    @Scheduled(every = "${credit.pending-refunds.interval:30s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "pending-refunds")
    Uni<Void> settleAll() {
        return pool.query("select p.tenant_id, p.refund_id, p.payment_id, p.credits, p.description "
                        + "from pending_refund p where exists (select 1 from ai_credit_transactions t "
                        + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id = p.tenant_id "
                        + "and t.idempotency_key = 'payment:' || p.payment_id) limit 500").execute()
                .chain(this::apply)
                .call(() -> pool.query("select count(*) from pending_refund").execute()
                        .invoke(rows -> waiting.set(rows.iterator().next().getLong(0))))
                .onFailure().invoke(e -> LOG.warnf("settling pending refunds failed, next run retries: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> apply(Iterable<Row> rows) {
        List<Row> list = new ArrayList<>();
        rows.forEach(list::add);
        return Multi.createFrom().iterable(list).onItem().transformToUniAndConcatenate(row -> {
            String tenant = row.getString(0);
            String refundId = row.getString(1);
            LedgerOp.Refund op = new LedgerOp.Refund(tenant, row.getString(2), row.getLong(3), "refund:" + refundId,
                    row.getString(4), null);
            return ledger.submit(op)
                    .chain(() -> pool.preparedQuery("delete from pending_refund where tenant_id = $1 and refund_id = $2")
                            .execute(Tuple.of(tenant, refundId)))
                    .invoke(() -> LOG.infof("applied refund %s of tenant %s after its payment %s", refundId, tenant,
                            op.paymentId()));
        }).collect().asList().replaceWithVoid();
    }

    private static String refundId(LedgerOp.Refund op) {
        return op.idempotencyKey().substring("refund:".length());
    }
}
