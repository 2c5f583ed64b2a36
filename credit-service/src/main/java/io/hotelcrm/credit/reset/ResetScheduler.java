package io.hotelcrm.credit.reset;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Runs the monthly reset for every account whose tenant-local month has none yet. Hourly, so every
 * time zone's month start is covered within the hour; re-running is harmless.
 */
@ApplicationScoped
public class ResetScheduler {

    private static final Logger LOG = Logger.getLogger(ResetScheduler.class);
    static final int BATCH = 500;

    private final ResetService resets;
    private final Clock clock;

    public ResetScheduler(ResetService resets, Clock clock) {
        this.resets = resets;
        this.clock = clock;
    }

    @Scheduled(cron = "${credit.reset.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "monthly-reset")
    Uni<Void> run() {
        return resetDueAccounts()
                .invoke(n -> { if (n > 0) LOG.infof("monthly reset done for %d accounts", n); })
                .onFailure().invoke(e -> LOG.errorf(e, "monthly reset run failed; the next run resumes"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Resets every account that is due; returns how many were reset now. */
    public Uni<Integer> resetDueAccounts() {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "select a.id from ai_credit_accounts a where a.deleted_at is null and not exists ("
                                + "select 1 from monthly_credit_resets r where r.account_id = a.id "
                                + "and r.reset_month = to_char(?1 at time zone a.time_zone, 'YYYY-MM')) limit " + BATCH,
                        UUID.class).setParameter(1, clock.instant()).getResultList()))
                .chain((List<UUID> ids) -> ids.isEmpty() ? Uni.createFrom().item(0)
                        : Multi.createFrom().iterable(ids)
                                .onItem().transformToUniAndConcatenate(resets::resetAccount)
                                .collect().asList().map(List::size));
    }
}
