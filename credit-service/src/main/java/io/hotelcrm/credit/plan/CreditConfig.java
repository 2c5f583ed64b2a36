package io.hotelcrm.credit.plan;

import io.smallrye.config.ConfigMapping;
import java.time.ZoneId;
import java.util.Map;

/** credit-service settings ({@code credit.*} in application.properties). */
@ConfigMapping(prefix = "credit")
public interface CreditConfig {

    /** Plan of an account opened on first use, before billing says otherwise. */
    PlanType defaultPlan();

    /** Time zone of a tenant's month (free credits expire at its end). */
    ZoneId defaultTimeZone();

    /** Low-balance levels of available credits. */
    LowBalance lowBalance();

    /** Holds: default and maximum timeout, maximum amount. */
    Holds holds();

    /** The hold and grant sweeper (read by its {@code @Scheduled}). */
    Sweeper sweeper();

    /** The monthly reset schedule (read by its {@code @Scheduled}). */
    Reset reset();

    /** Group commit of the ledger's ops. */
    LedgerBatches ledger();

    /** Auto-purchase: how long a request waits for billing's answer, repeats, failures in a row. */
    AutoPurchase autoPurchase();

    /** Per plan, keyed by the lower-case plan name. */
    Map<String, Plan> plans();

    default Plan plan(PlanType type) {
        Plan plan = plans().get(type.name().toLowerCase());
        if (plan == null) {
            throw new IllegalStateException("no credit.plans." + type.name().toLowerCase() + ".* configured");
        }
        return plan;
    }

    interface LowBalance {
        /** WARNING below this many available credits. */
        long warningBelow();

        /** CRITICAL below this many. */
        long criticalBelow();
    }

    interface Holds {
        /** A hold nobody resolves is released after this long (design.md §3: 2 min). */
        int defaultTimeoutSeconds();

        int maxTimeoutSeconds();

        /** The largest single reservation; bigger requests are refused as invalid. */
        long maxAmount();
    }

    interface Sweeper {
        java.time.Duration interval();
    }

    interface Reset {
        /**
         * How often the reset job looks for accounts whose tenant-local month turned. Accounts are also
         * reset lazily on their first touch in a new month, so this only bounds how late an idle one is.
         */
        java.time.Duration interval();

        /** Accounts handed to the ledger per page of a run. */
        @io.smallrye.config.WithDefault("500")
        int pageSize();
    }

    interface AutoPurchase {
        /** A request with no answer (PaymentSucceeded / PaymentFailed) after this long is sent again, unchanged. */
        @io.smallrye.config.WithDefault("10m")
        java.time.Duration answerTimeout();

        /** Sends of one request in all; after the last one's timeout the request is released (NO_ANSWER). */
        @io.smallrye.config.WithDefault("3")
        int maxAttempts();

        /** Failures in a row (declines, released requests) that turn auto-purchase off. */
        @io.smallrye.config.WithDefault("3")
        int maxFailures();

        /** How often the overdue-request job runs. */
        @io.smallrye.config.WithDefault("60s")
        java.time.Duration checkEvery();

        /** The bound on billing's catalogue read when the settings are saved. */
        @io.smallrye.config.WithDefault("3s")
        java.time.Duration catalogueTimeout();
    }

    interface LedgerBatches {
        /** The most ops applied together in one transaction. */
        @io.smallrye.config.WithDefault("256")
        int maxBatch();

        /** Batches on their way to the database at once (each on its own connection, on other accounts). */
        @io.smallrye.config.WithDefault("4")
        int maxInFlight();
    }

    interface Plan {
        long monthlyFeeYen();

        long monthlyFreeCredits();

        /** Yen value of one credit on this plan, shown as costPerCredit. */
        long yenPerCredit();

        /** How many months of free credits may roll over (ENTERPRISE: 1). */
        int rolloverMonths();
    }
}
