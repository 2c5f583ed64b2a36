package io.hotelcrm.credit.ledger;

import io.hotelcrm.credit.audit.AuditLog;
import io.hotelcrm.credit.plan.CreditConfig;
import java.time.Instant;

/** What the ops of one batch share: the batch's instant, settings, and the request id of the op being applied. */
public final class LedgerContext {

    private final Instant now;
    private final CreditConfig config;
    private final AuditLog audit;
    private final LedgerMetrics metrics;
    private String requestId;

    LedgerContext(Instant now, CreditConfig config, AuditLog audit, LedgerMetrics metrics) {
        this.now = now;
        this.config = config;
        this.audit = audit;
        this.metrics = metrics;
    }

    public Instant now() {
        return now;
    }

    public CreditConfig config() {
        return config;
    }

    public AuditLog audit() {
        return audit;
    }

    public LedgerMetrics metrics() {
        return metrics;
    }

    public String requestId() {
        return requestId;
    }

    void requestId(String requestId) {
        this.requestId = requestId;
    }
}
