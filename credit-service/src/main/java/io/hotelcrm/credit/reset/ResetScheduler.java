package io.hotelcrm.credit.reset;

import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerMetrics;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.plan.CreditConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Resets every account whose tenant-local month turned, page by page until none is left, each as its
 * own ledger op: an account that fails is logged, counted and skipped. Several replicas may run it at
 * once: the ledger resets an account only if its {@code reset_month}, read under the lock, is behind.
 */
@ApplicationScoped
public class ResetScheduler {

    private static final Logger LOG = Logger.getLogger(ResetScheduler.class);
    private static final UUID FIRST = new UUID(0, 0); // the smallest uuid in PostgreSQL's order

    private final Ledger ledger;
    private final int pageSize;
    private final LedgerMetrics metrics;
    private final Pool pool;
    private final Clock clock;

    public ResetScheduler(Ledger ledger, LedgerMetrics metrics, Pool pool, Clock clock, CreditConfig config) {
        this.ledger = ledger;
        this.pageSize = config.reset().pageSize();
        this.metrics = metrics;
        this.pool = pool;
        this.clock = clock;
    }

    @Scheduled(every = "${credit.reset.interval}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "monthly-reset")
    Uni<Void> run() {
        return resetDueAccounts()
                .invoke(n -> { if (n > 0) LOG.infof("monthly reset done for %d accounts", n); })
                .onFailure().invoke(e -> LOG.errorf(e, "monthly reset run failed; the next run resumes"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Resets every account that is due; returns how many were handed to the ledger successfully. */
    public Uni<Integer> resetDueAccounts() {
        AtomicInteger done = new AtomicInteger();
        return page(FIRST, done).replaceWith(done::get);
    }

    private Uni<Void> page(UUID after, AtomicInteger done) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return pool.preparedQuery("select id, tenant_id from ai_credit_accounts where deleted_at is null "
                        + "and (reset_month is null or reset_month < to_char($1 at time zone time_zone, 'YYYY-MM')) and id > $2 "
                        + "order by id limit " + pageSize).execute(Tuple.of(now, after))
                .chain(rows -> {
                    List<Row> due = new ArrayList<>();
                    rows.forEach(due::add);
                    if (due.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    UUID last = due.get(due.size() - 1).getUUID(0);
                    return Multi.createFrom().iterable(due)
                            .onItem().transformToUni(row -> ledger.submit(new LedgerOp.Touch(row.getString(1)))
                                    .invoke(() -> done.incrementAndGet())
                                    .onFailure().invoke(e -> {
                                        metrics.accountFailed("monthly-reset");
                                        LOG.errorf("monthly reset: skipped account %s (tenant %s), the others go on: %s",
                                                row.getUUID(0), row.getString(1), e.toString());
                                    })
                                    .onFailure().recoverWithNull())
                            .merge(due.size()).collect().last()
                            .chain(() -> due.size() < pageSize ? Uni.createFrom().voidItem() : page(last, done));
                });
    }
}
