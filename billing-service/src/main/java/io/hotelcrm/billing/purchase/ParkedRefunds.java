package io.hotelcrm.billing.purchase;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The gauge {@code billing_refunds_pending}: refund steps parked because their payment is not known or not paid
 * yet. A few for minutes is normal (webhooks out of order); one that stays is a refund of a charge that is no
 * purchase of ours (a plan's invoice) or of a payment Stripe never reported to us.
 */
@Startup
@ApplicationScoped
public class ParkedRefunds {

    private static final Logger LOG = Logger.getLogger(ParkedRefunds.class);

    private final AtomicLong parked = new AtomicLong();

    public ParkedRefunds(MeterRegistry metrics) {
        metrics.gauge("billing.refunds.pending", parked);
    }

    @Scheduled(every = "${billing.refunds.pending-gauge-every}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "refunds-pending-gauge")
    void refresh() {
        try {
            parked.set(VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> Panache.getSession()
                    .chain(s -> s.createNativeQuery("select count(*) from pending_refund where applied_at is null", Long.class)
                            .getSingleResult()))));
        } catch (Throwable e) {
            LOG.debugf("counting parked refunds failed: %s", e.getMessage());
        }
    }
}
