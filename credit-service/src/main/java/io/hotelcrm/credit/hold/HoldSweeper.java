package io.hotelcrm.credit.hold;

import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Releases holds nobody resolved before their timeout (a gateway that died after reserving) and
 * expires due grants. Each item is its own ledger op: one that fails is logged with its id, counted in
 * {@code credit_ledger_account_failures_total} and skipped, and never stops the others. Safe on several
 * replicas: the ledger re-checks every item under its account's lock.
 */
@ApplicationScoped
public class HoldSweeper {

    private static final Logger LOG = Logger.getLogger(HoldSweeper.class);
    static final int BATCH = 500;
    /** A hold this long past its expiry should have been released by now: the sweeper is not keeping up. */
    static final Duration OVERDUE_AFTER = Duration.ofMinutes(1);

    private final Ledger ledger;
    private final Pool pool;
    private final Clock clock;

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong overdue = new AtomicLong();
    private final AtomicLong lastSuccess = new AtomicLong();

    public HoldSweeper(Ledger ledger, Pool pool, Clock clock, MeterRegistry registry) {
        this.ledger = ledger;
        this.pool = pool;
        this.clock = clock;
        Gauge.builder("credit.holds.pending", pending, AtomicLong::get)
                .description("Holds reserved and not yet captured or released").register(registry);
        Gauge.builder("credit.holds.overdue", overdue, AtomicLong::get)
                .description("Pending holds more than a minute past their timeout: the sweeper is not releasing them")
                .register(registry);
        Gauge.builder("credit.hold.sweeper.last.success.timestamp", lastSuccess, AtomicLong::get).baseUnit("seconds")
                .description("When a sweep last completed (epoch seconds); stale means no replica sweeps")
                .register(registry);
    }

    @Scheduled(every = "${credit.sweeper.interval}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "hold-sweeper")
    Uni<Void> sweep() {
        return sweepOnce()
                .onFailure().invoke(e -> LOG.warnf("sweep failed, next run retries: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One pass: expired holds, then due grants, then the gauges. Returns the holds expired now. */
    public Uni<Integer> sweepOnce() {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return pool.preparedQuery("select h.id, a.tenant_id from credit_holds h join ai_credit_accounts a "
                        + "on a.id = h.account_id where h.status = 'PENDING' and h.expires_at <= $1 "
                        + "order by h.expires_at limit " + BATCH).execute(Tuple.of(now))
                .chain(rows -> each(rows, "hold-expiry",
                        row -> new LedgerOp.ExpireHold(row.getUUID(0), row.getString(1))))
                .call(() -> pool.preparedQuery("select distinct a.tenant_id from credit_grants g "
                                + "join ai_credit_accounts a on a.id = g.account_id where g.remaining_credits > 0 "
                                + "and g.expires_at <= $1 limit " + BATCH).execute(Tuple.of(now))
                        .chain(rows -> each(rows, "grant-expiry", row -> new LedgerOp.Touch(row.getString(0)))))
                .call(() -> pool.preparedQuery("select count(*), count(*) filter (where expires_at <= $1) "
                                + "from credit_holds where status = 'PENDING'")
                        .execute(Tuple.of(now.minus(OVERDUE_AFTER)))
                        .invoke(rows -> {
                            Row row = rows.iterator().next();
                            pending.set(row.getLong(0));
                            overdue.set(row.getLong(1));
                        }))
                .invoke(() -> lastSuccess.set(clock.instant().getEpochSecond()));
    }

    /** One op per row, through the ledger's batch-job submission (a failing one is skipped). */
    private Uni<Integer> each(Iterable<Row> rows, String job, Function<Row, LedgerOp> op) {
        List<LedgerOp> ops = new ArrayList<>();
        rows.forEach(row -> ops.add(op.apply(row)));
        return ledger.submitEach(job, ops);
    }
}
