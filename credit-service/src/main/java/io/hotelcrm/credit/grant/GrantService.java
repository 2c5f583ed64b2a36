package io.hotelcrm.credit.grant;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.CreditsExpired;
import io.hotelcrm.contracts.credit.CreditsGranted;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerTransaction;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.credit.threshold.ThresholdWatcher;
import io.hotelcrm.platform.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Credit buckets: adding, burning, expiring and clawing back. Every method expects the account row to be
 * locked by the caller's transaction (lock order: account, then holds, then grants).
 */
@ApplicationScoped
public class GrantService {

    /** Burn order: priority, then soonest expiry (never-expiring last), then oldest. */
    static final String BURN_ORDER = "order by priority, expiresAt nulls last, createdAt, id";

    private final Ledger ledger;
    private final Outbox outbox;
    private final ThresholdWatcher thresholds;
    private final Clock clock;
    private final MeterRegistry metrics;

    public GrantService(Ledger ledger, Outbox outbox, ThresholdWatcher thresholds, Clock clock, MeterRegistry metrics) {
        this.ledger = ledger;
        this.outbox = outbox;
        this.thresholds = thresholds;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A grant to add: what, how much, until when, and the ledger entry that records it. */
    public record NewGrant(GrantSource source, long credits, Instant expiresAt, String reference,
                           TransactionType transactionType, String idempotencyKey, String requestHash,
                           String userId, String description) {
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

        long before = account.currentBalance;
        account.currentBalance += request.credits();
        if (request.source() == GrantSource.PURCHASE) {
            account.totalPurchased += request.credits();
        }
        LedgerTransaction tx = new LedgerTransaction();
        tx.type = request.transactionType();
        tx.creditsAmount = request.credits();
        tx.grantId = grant.id;
        tx.referenceId = request.reference();
        tx.idempotencyKey = request.idempotencyKey();
        tx.requestHash = request.requestHash();
        tx.userId = request.userId();
        tx.description = request.description();
        metrics.counter("credits.granted", "source", grant.source.name()).increment(request.credits());
        return grant.persist()
                .chain(() -> ledger.append(account, tx, before))
                .call(entry -> outbox.publish(EventType.CreditsGranted, account.tenantId,
                        new CreditsGranted(account.id.toString(), grant.id.toString(), entry.id.toString(),
                                grant.source.name(), grant.originalCredits, account.currentBalance, grant.expiresAt,
                                grant.reference)))
                .call(() -> thresholds.afterIncrease(account));
    }

    /**
     * Takes {@code credits} out of the account's grants in burn order. The caller has checked that the
     * balance covers it (it is held), so the grants always do.
     */
    public Uni<Void> burn(CreditAccount account, long credits) {
        return CreditGrant.<CreditGrant>find("accountId = ?1 and remainingCredits > 0 " + BURN_ORDER, account.id)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()
                .invoke(grants -> {
                    long left = credits;
                    for (CreditGrant g : grants) {
                        if (left == 0) {
                            break;
                        }
                        long take = Math.min(left, g.remainingCredits);
                        g.remainingCredits -= take;
                        left -= take;
                    }
                    if (left != 0) {
                        throw new IllegalStateException("grants of account " + account.id + " do not cover " + credits);
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Expires what is due on the account: each expired grant's rest leaves the balance with an EXPIRY
     * entry. Credits still reserved by pending holds are spared until the hold resolves (available
     * never goes below zero); the sweeper expires them afterwards.
     */
    public Uni<Void> expireDue(CreditAccount account) {
        Instant now = clock.instant();
        return CreditGrant.<CreditGrant>find("accountId = ?1 and remainingCredits > 0 and expiresAt <= ?2 "
                        + BURN_ORDER, account.id, now)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()
                .chain(due -> Multi.createFrom().iterable(due)
                        .onItem().transformToUniAndConcatenate(g -> expire(account, g))
                        .collect().last())
                .replaceWithVoid();
    }

    private Uni<Void> expire(CreditAccount account, CreditGrant grant) {
        long amount = Math.min(grant.remainingCredits, account.available());
        if (amount <= 0) {
            return Uni.createFrom().voidItem();
        }
        long before = account.currentBalance;
        grant.remainingCredits -= amount;
        account.currentBalance -= amount;
        LedgerTransaction tx = new LedgerTransaction();
        tx.type = TransactionType.EXPIRY;
        tx.creditsAmount = -amount;
        tx.grantId = grant.id;
        tx.referenceId = grant.reference;
        tx.description = "有効期限切れ (" + grant.source + ")";
        metrics.counter("credits.expired").increment(amount);
        return ledger.append(account, tx, before)
                .call(entry -> outbox.publish(EventType.CreditsExpired, account.tenantId,
                        new CreditsExpired(account.id.toString(), grant.id.toString(), entry.id.toString(), amount,
                                account.currentBalance)))
                .call(() -> thresholds.afterDecrease(account))
                .replaceWithVoid();
    }

    /**
     * Takes back up to {@code credits} of what is left of the grants with {@code reference} (a refunded
     * payment). Spent credits stay spent; credits still held are spared.
     */
    public Uni<Long> clawBack(CreditAccount account, String reference, long credits, String idempotencyKey,
                              String description) {
        return CreditGrant.<CreditGrant>find("accountId = ?1 and reference = ?2 and remainingCredits > 0 " + BURN_ORDER,
                        account.id, reference)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()
                .chain(grants -> {
                    long wanted = Math.min(credits, account.available());
                    long taken = 0;
                    UUID grantId = null;
                    for (CreditGrant g : grants) {
                        long take = Math.min(wanted - taken, g.remainingCredits);
                        g.remainingCredits -= take;
                        taken += take;
                        grantId = grantId == null ? g.id : grantId;
                    }
                    if (taken == 0) {
                        return Uni.createFrom().item(0L);
                    }
                    long before = account.currentBalance;
                    account.currentBalance -= taken;
                    account.totalPurchased = Math.max(0, account.totalPurchased - taken);
                    LedgerTransaction tx = new LedgerTransaction();
                    tx.type = TransactionType.REFUND;
                    tx.creditsAmount = -taken;
                    tx.grantId = grantId;
                    tx.referenceId = reference;
                    tx.idempotencyKey = idempotencyKey;
                    tx.description = description;
                    long result = taken;
                    return ledger.append(account, tx, before).call(() -> thresholds.afterDecrease(account))
                            .replaceWith(result);
                });
    }

    /** Grants of the account that still hold credits, soonest expiry first. */
    public static Uni<List<CreditGrant>> live(UUID accountId) {
        return CreditGrant.<CreditGrant>find("accountId = ?1 and remainingCredits > 0 "
                + "order by expiresAt nulls last, createdAt", accountId).list();
    }
}
