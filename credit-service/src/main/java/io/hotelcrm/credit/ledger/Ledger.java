package io.hotelcrm.credit.ledger;

import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.audit.AuditLog;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.UUID;

/**
 * Appends ledger entries. Call after changing the locked account's balance, in the same transaction:
 * the entry records the change and the balance after it, and the audit log records both.
 * Invariant: account.currentBalance == sum(credits_amount) of its entries.
 */
@ApplicationScoped
public class Ledger {

    private final AuditLog audit;
    private final Clock clock;

    public Ledger(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    public Uni<LedgerTransaction> append(CreditAccount account, LedgerTransaction entry, long balanceBefore) {
        if (account.currentBalance - balanceBefore != entry.creditsAmount) {
            throw new IllegalStateException("ledger entry " + entry.creditsAmount + " does not match the balance change "
                    + (account.currentBalance - balanceBefore));
        }
        entry.id = UUID.randomUUID();
        entry.accountId = account.id;
        entry.balanceAfter = account.currentBalance;
        entry.createdAt = clock.instant();
        account.updatedAt = entry.createdAt;
        return entry.persist().chain(() -> audit.creditTransaction(account, entry, balanceBefore)).replaceWith(entry);
    }

    /** The entry an idempotency key already produced on this account, or null. */
    public static Uni<LedgerTransaction> byKey(UUID accountId, String idempotencyKey) {
        return LedgerTransaction.find("accountId = ?1 and idempotencyKey = ?2", accountId, idempotencyKey)
                .firstResult();
    }
}
