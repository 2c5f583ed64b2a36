package io.hotelcrm.credit.autopurchase;

import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.plan.CreditConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Auto-purchase requests billing has not answered within {@code credit.auto-purchase.answer-timeout} (its answer was
 * lost, dead-lettered, or billing was down): each is handed to the ledger, which sends it again or releases it
 * ({@link AutoPurchasePolicy#overdue}) under the account's lock — so a request answered meanwhile is left alone, and
 * several replicas running this job do no harm. One account that fails is logged and skipped.
 */
@ApplicationScoped
public class OverdueAutoPurchases {

    private static final Logger LOG = Logger.getLogger(OverdueAutoPurchases.class);
    static final int BATCH = 200;

    private final Ledger ledger;
    private final Pool pool;
    private final CreditConfig config;
    private final Clock clock;

    public OverdueAutoPurchases(Ledger ledger, Pool pool, CreditConfig config, Clock clock) {
        this.ledger = ledger;
        this.pool = pool;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${credit.auto-purchase.check-every}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "auto-purchase-overdue")
    Uni<Void> check() {
        return checkOnce()
                .onFailure().invoke(e -> LOG.warnf("overdue auto-purchase check failed, the next run retries: %s", e))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One pass; answers how many requests were sent again or released. */
    public Uni<Integer> checkOnce() {
        OffsetDateTime due = OffsetDateTime.ofInstant(clock.instant().minus(config.autoPurchase().answerTimeout()),
                ZoneOffset.UTC);
        return pool.preparedQuery("select tenant_id, auto_purchase_request_id from ai_credit_accounts "
                        + "where auto_purchase_request_id is not null and auto_purchase_requested_at <= $1 "
                        + "order by auto_purchase_requested_at limit " + BATCH).execute(Tuple.of(due))
                .chain(rows -> {
                    List<LedgerOp.AutoPurchaseOverdue> ops = new ArrayList<>();
                    rows.forEach(row -> ops.add(new LedgerOp.AutoPurchaseOverdue(row.getString(0), row.getString(1))));
                    return ledger.submitEach("auto-purchase-overdue", ops);
                });
    }
}
