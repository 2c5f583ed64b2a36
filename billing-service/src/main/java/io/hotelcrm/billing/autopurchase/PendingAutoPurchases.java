package io.hotelcrm.billing.autopurchase;

import io.hotelcrm.billing.BillingConfig;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Charges auto-purchases left PENDING (Stripe unreachable, or a crash between recording and charging)
 * again with the same idempotency key: Stripe answers the first charge if there was one.
 */
@ApplicationScoped
public class PendingAutoPurchases {

    private static final Logger LOG = Logger.getLogger(PendingAutoPurchases.class);

    private final AutoPurchaseService autoPurchases;
    private final BillingConfig config;
    private final Clock clock;

    public PendingAutoPurchases(AutoPurchaseService autoPurchases, BillingConfig config, Clock clock) {
        this.autoPurchases = autoPurchases;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${billing.auto-purchase.retry-every}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "auto-purchase-retry")
    void retryPending() {
        try {
            VertxContextSupport.subscribeAndAwait(() -> autoPurchases
                    .stalePending(clock.instant().minus(config.autoPurchase().retryPendingAfter()))
                    .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                    .onItem().transformToUniAndConcatenate(autoPurchases::chargeIfPending)
                    .collect().last());
        } catch (Throwable e) {
            LOG.warnf("retrying pending auto-purchases failed: %s", e.getMessage());
        }
    }
}
