package io.hotelcrm.credit.ledger;

import io.hotelcrm.credit.grant.GrantSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** The ledger's counters (credits moved, batches, failures), registered once. */
@ApplicationScoped
public class LedgerMetrics {

    private final MeterRegistry registry;
    private final Counter reserved;
    private final Counter captured;
    private final Counter released;
    private final Counter expired;
    private final Counter holdsExpired;
    private final Counter rejected;
    private final DistributionSummary batchSize;

    public LedgerMetrics(MeterRegistry registry) {
        this.registry = registry;
        reserved = registry.counter("credits.reserved");
        captured = registry.counter("credits.captured");
        released = registry.counter("credits.released");
        expired = registry.counter("credits.expired");
        holdsExpired = registry.counter("credit.holds.expired");
        rejected = registry.counter("credits.reserve.rejected");
        batchSize = DistributionSummary.builder("credit.ledger.batch.ops")
                .description("Ledger ops applied together in one transaction (group commit)").register(registry);
        for (GrantSource source : GrantSource.values()) {
            registry.counter("credits.granted", "source", source.name());
        }
        for (String job : new String[] {"hold-expiry", "grant-expiry", "monthly-reset"}) {
            registry.counter("credit.ledger.account.failures", "job", job);
        }
    }

    public void reserved(long credits) {
        reserved.increment(credits);
    }

    public void captured(long credits, long releasedRest) {
        captured.increment(credits);
        released.increment(releasedRest);
    }

    public void released(long credits) {
        released.increment(credits);
    }

    public void expired(long credits) {
        expired.increment(credits);
    }

    public void holdExpired() {
        holdsExpired.increment();
    }

    public void reserveRejected() {
        rejected.increment();
    }

    public void granted(GrantSource source, long credits) {
        registry.counter("credits.granted", "source", source.name()).increment(credits);
    }

    void batch(int ops) {
        batchSize.record(ops);
    }

    /** An account a batch job (sweeper, grant expiry, reset) could not handle; the job went on with the others. */
    public void accountFailed(String job) {
        registry.counter("credit.ledger.account.failures", "job", job).increment();
    }
}
