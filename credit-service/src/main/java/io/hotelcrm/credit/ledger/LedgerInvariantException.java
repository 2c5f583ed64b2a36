package io.hotelcrm.credit.ledger;

import java.util.UUID;

/**
 * An account whose rows contradict each other (balance ≠ Σ grants, held ≠ Σ pending holds, …). Its
 * ops fail and nothing of theirs is written; the other accounts of the batch go on.
 */
public class LedgerInvariantException extends RuntimeException {

    private final UUID accountId;

    public LedgerInvariantException(UUID accountId, String detail) {
        super("ledger invariant broken on account " + accountId + ": " + detail);
        this.accountId = accountId;
    }

    public UUID accountId() {
        return accountId;
    }
}
