package io.hotelcrm.contracts;

import io.hotelcrm.contracts.billing.PaymentActionRequired;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentRefundFailed;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentReinstated;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.contracts.billing.PlanChanged;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.contracts.credit.AutoPurchaseSuspended;
import io.hotelcrm.contracts.credit.BalanceLow;
import io.hotelcrm.contracts.credit.CreditsExpired;
import io.hotelcrm.contracts.credit.CreditsGranted;
import io.hotelcrm.contracts.credit.MonthlyResetCompleted;
import io.hotelcrm.contracts.credit.UsageRecorded;
import io.hotelcrm.contracts.gateway.ExecutionCompleted;
import io.hotelcrm.contracts.gateway.ExecutionFailed;
import io.hotelcrm.contracts.gateway.SecurityEventRaised;
import java.util.Optional;

/** Every event the suite exchanges: its topic, current schema version and payload record. */
public enum EventType {
    UsageRecorded(Topics.CREDIT_EVENTS, 1, UsageRecorded.class),
    CreditsGranted(Topics.CREDIT_EVENTS, 1, CreditsGranted.class),
    CreditsExpired(Topics.CREDIT_EVENTS, 1, CreditsExpired.class),
    MonthlyResetCompleted(Topics.CREDIT_EVENTS, 1, MonthlyResetCompleted.class),
    BalanceLow(Topics.CREDIT_EVENTS, 1, BalanceLow.class),
    AutoPurchaseRequested(Topics.CREDIT_EVENTS, 1, AutoPurchaseRequested.class),
    AutoPurchaseSuspended(Topics.CREDIT_EVENTS, 1, AutoPurchaseSuspended.class),

    PaymentSucceeded(Topics.BILLING_EVENTS, 1, PaymentSucceeded.class),
    PaymentFailed(Topics.BILLING_EVENTS, 1, PaymentFailed.class),
    PaymentRefunded(Topics.BILLING_EVENTS, 1, PaymentRefunded.class),
    PlanChanged(Topics.BILLING_EVENTS, 1, PlanChanged.class),
    PaymentReinstated(Topics.BILLING_EVENTS, 1, PaymentReinstated.class),
    PaymentActionRequired(Topics.BILLING_EVENTS, 1, PaymentActionRequired.class),
    PaymentRefundFailed(Topics.BILLING_EVENTS, 1, PaymentRefundFailed.class),

    ExecutionCompleted(Topics.GATEWAY_EVENTS, 1, ExecutionCompleted.class),
    ExecutionFailed(Topics.GATEWAY_EVENTS, 1, ExecutionFailed.class),
    SecurityEventRaised(Topics.GATEWAY_EVENTS, 1, SecurityEventRaised.class);

    private final String topic;
    private final int version;
    private final Class<?> dataClass;

    EventType(String topic, int version, Class<?> dataClass) {
        this.topic = topic;
        this.version = version;
        this.dataClass = dataClass;
    }

    public String topic() {
        return topic;
    }

    public int version() {
        return version;
    }

    public Class<?> dataClass() {
        return dataClass;
    }

    /** Classpath location of the JSON Schema of this type's {@code data}. */
    public String schemaResource() {
        return "schemas/" + name() + ".v" + version + ".json";
    }

    /** Lenient lookup for consumers: an unknown type (a newer producer) is skipped, not a crash. */
    public static Optional<EventType> find(String name) {
        for (EventType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
