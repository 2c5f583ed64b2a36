package io.hotelcrm.credit.ledger;

import java.time.Instant;
import java.util.UUID;

/**
 * What one refund or dispute hold-back could not take back at once (row {@code owed_credit}), keyed by its ledger
 * key: what later credits settled of it and what a reversal (a won dispute, a failed refund) cancelled. A plain
 * object, read under the account's lock and written by {@link LedgerStore}.
 */
public final class OwedCredit {

    UUID accountId;
    String sourceKey;
    String paymentId;
    long credits;
    long settled;
    long cancelled;
    Instant createdAt;

    /** Still owed. */
    public long remaining() {
        return credits - settled - cancelled;
    }

    public long settled() {
        return settled;
    }

    public String sourceKey() {
        return sourceKey;
    }
}
