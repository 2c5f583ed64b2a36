package io.hotelcrm.credit.hold;

import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.grant.GrantService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Releases holds nobody resolved before their timeout (a gateway that died after reserving) and
 * expires due grants. Each item is its own transaction; safe on several replicas because every
 * change re-checks its state under the account lock.
 */
@ApplicationScoped
public class HoldSweeper {

    private static final Logger LOG = Logger.getLogger(HoldSweeper.class);
    static final int BATCH = 100;

    private final HoldService holds;
    private final GrantService grants;
    private final Clock clock;
    /** A hold this long past its expiry should have been released by now: the sweeper is not keeping up. */
    static final Duration OVERDUE_AFTER = Duration.ofMinutes(1);

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong overdue = new AtomicLong();
    private final AtomicLong lastSuccess = new AtomicLong();

    public HoldSweeper(HoldService holds, GrantService grants, Clock clock, MeterRegistry registry) {
        this.holds = holds;
        this.grants = grants;
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

    /** One pass: expired holds, then due grants, then the pending-holds gauge. Returns holds expired. */
    public Uni<Integer> sweepOnce() {
        return Panache.withSession(() -> CreditHold.<CreditHold>find(
                        "status = ?1 and expiresAt <= ?2 order by expiresAt", HoldStatus.PENDING, clock.instant())
                .page(0, BATCH).list())
                .map(list -> list.stream().map(h -> h.id).toList())
                .chain(this::expireHolds)
                .call(this::expireGrants)
                .call(() -> Panache.withSession(() -> CreditHold.count("status", HoldStatus.PENDING))
                        .invoke(pending::set))
                .call(() -> Panache.withSession(() -> CreditHold.count("status = ?1 and expiresAt <= ?2",
                        HoldStatus.PENDING, clock.instant().minus(OVERDUE_AFTER))).invoke(overdue::set))
                .invoke(() -> lastSuccess.set(clock.instant().getEpochSecond()));
    }

    private Uni<Integer> expireHolds(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(holds::expireHold)
                .filter(Boolean::booleanValue).collect().asList().map(List::size);
    }

    private Uni<Void> expireGrants() {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                                "select distinct account_id from credit_grants where remaining_credits > 0 and expires_at <= ?1 limit "
                                        + BATCH, UUID.class)
                        .setParameter(1, clock.instant()).getResultList()))
                .chain(accountIds -> accountIds.isEmpty() ? Uni.createFrom().voidItem()
                        : Multi.createFrom().iterable(accountIds)
                                .onItem().transformToUniAndConcatenate(id -> Panache.withTransaction(() ->
                                        CreditAccount.lock(id).chain(grants::expireDue)))
                                .collect().last().replaceWithVoid());
    }
}
