package io.hotelcrm.credit.grant;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.CreditsGranted;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.ledger.LedgerTransaction;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.platform.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Adds credit buckets. Callers hold the account's row lock inside their transaction. */
@ApplicationScoped
public class GrantService {

    private final Outbox outbox;
    private final Clock clock;

    public GrantService(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /** A grant to add: what, how much, until when, and the ledger entry that records it. */
    public record NewGrant(GrantSource source, long credits, Instant expiresAt, String reference,
                           TransactionType transactionType, String idempotencyKey, String description) {
        public NewGrant {
            if (credits <= 0) {
                throw new IllegalArgumentException("a grant adds at least one credit");
            }
        }
    }

    /** Writes the grant, its ledger entry and the CreditsGranted event, and raises the balance. */
    public Uni<LedgerTransaction> addGrant(CreditAccount account, NewGrant request) {
        Instant now = clock.instant();
        CreditGrant grant = new CreditGrant();
        grant.id = UUID.randomUUID();
        grant.accountId = account.id;
        grant.source = request.source();
        grant.originalCredits = request.credits();
        grant.remainingCredits = request.credits();
        grant.priority = request.source().priority();
        grant.expiresAt = request.expiresAt();
        grant.reference = request.reference();
        grant.createdAt = now;

        account.currentBalance += request.credits();
        if (request.source() == GrantSource.PURCHASE) {
            account.totalPurchased += request.credits();
        }
        account.updatedAt = now;

        LedgerTransaction tx = new LedgerTransaction();
        tx.id = UUID.randomUUID();
        tx.accountId = account.id;
        tx.type = request.transactionType();
        tx.creditsAmount = request.credits();
        tx.balanceAfter = account.currentBalance;
        tx.grantId = grant.id;
        tx.referenceId = request.reference();
        tx.idempotencyKey = request.idempotencyKey();
        tx.description = request.description();
        tx.createdAt = now;

        CreditsGranted event = new CreditsGranted(account.id.toString(), grant.id.toString(), tx.id.toString(),
                grant.source.name(), grant.originalCredits, account.currentBalance, grant.expiresAt, grant.reference);
        return grant.persist()
                .chain(() -> tx.persist())
                .chain(() -> outbox.publish(EventType.CreditsGranted, account.tenantId, event))
                .replaceWith(tx);
    }
}
