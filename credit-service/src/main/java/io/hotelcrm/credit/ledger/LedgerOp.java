package io.hotelcrm.credit.ledger;

import io.hotelcrm.credit.account.AutoPurchaseMode;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.credit.grant.GrantSource;
import io.hotelcrm.credit.plan.PlanType;
import io.hotelcrm.platform.inbox.Inbox;
import java.time.Instant;
import java.util.UUID;

/**
 * A request to change an account: the only way balances, held credits, grants and ledger entries
 * move. Each op names its account by tenant or by hold; {@link Ledger} applies it under the account's
 * row lock, read fresh in the same transaction, possibly together with other ops (group commit).
 */
public sealed interface LedgerOp {

    /** The tenant the op is for, or null when only its hold names the account. */
    String tenantId();

    /** Marks the op as the effect of a consumed event: applied once, recorded in the same transaction. */
    default Inbox.Mark mark() {
        return null;
    }

    /** Reserve the worst case of an AI execution. Answers {@code HoldApi.HoldView}. */
    record Reserve(String tenantId, long amount, FunctionType function, String userId, String idempotencyKey,
                   int timeoutSeconds, String requestHash) implements LedgerOp {
    }

    /** Charge the actual cost of a hold (at most its amount) and release the rest. Answers {@code CaptureView}. */
    record Capture(UUID holdId, long amount, String idempotencyKey, String requestHash, Integer executionTimeMs,
                   String description, String functionParams) implements LedgerOp {
        public String tenantId() {
            return null;
        }
    }

    /**
     * Reserve and capture at once (a result ready before it is charged): the reserve as it would run, then the
     * capture (whose holdId is null here) of the hold it made or, on a replay, found. Answers {@code CaptureView}.
     */
    record Charge(Reserve reserve, Capture capture) implements LedgerOp {
        public String tenantId() {
            return reserve.tenantId();
        }

        /** The capture of the hold the reserve answered. */
        public Capture captureOf(UUID holdId) {
            return new Capture(holdId, capture.amount(), capture.idempotencyKey(), capture.requestHash(),
                    capture.executionTimeMs(), capture.description(), capture.functionParams());
        }
    }

    /** Give a hold's credits back. Answers {@code ReleaseView}. */
    record Release(UUID holdId, String idempotencyKey) implements LedgerOp {
        public String tenantId() {
            return null;
        }
    }

    /** Release a hold whose timeout passed (the sweeper). Answers whether it expired it now. */
    record ExpireHold(UUID holdId, String tenantId) implements LedgerOp {
    }

    /** Add credits (purchase, bonus, refund credit). Answers the {@link LedgerTransaction} (the first one on replay). */
    record Grant(String tenantId, GrantSource source, long credits, Instant expiresAt, String reference,
                 TransactionType transactionType, String idempotencyKey, String requestHash, String userId,
                 String description, String settlesAutoPurchase, Inbox.Mark mark) implements LedgerOp {
        public Grant {
            if (credits <= 0) {
                throw new IllegalArgumentException("a grant adds at least one credit");
            }
        }
    }

    /** Take back what is left of a refunded payment's grants. Answers the credits taken. */
    record Refund(String tenantId, String paymentId, long credits, String idempotencyKey, String description,
                  Inbox.Mark mark) implements LedgerOp {
    }

    /**
     * Undo a refund or dispute hold-back whose money never left (a won dispute, a refund that failed): what the one
     * under ledger key {@code sourceKey} took (its entry plus what of its owed part was settled since) comes back as a
     * PURCHASE grant of the payment under {@code idempotencyKey}, at most {@code credits}, and of the rest of
     * {@code credits} what it still owes is cancelled. Once per key. Answers the credits given back.
     */
    record Reverse(String tenantId, String paymentId, String sourceKey, long credits, String idempotencyKey,
                   String description, Inbox.Mark mark) implements LedgerOp {
    }

    /** An auto-purchase payment failed (reason: billing's failure code): the next use may request another. */
    record PaymentFailed(String tenantId, String autoPurchaseRequestId, String reason, Inbox.Mark mark)
            implements LedgerOp {
    }

    /** The overdue-request job: send the in-flight auto-purchase again, or release it. Answers whether it did. */
    record AutoPurchaseOverdue(String tenantId, String requestId) implements LedgerOp {
    }

    /** The plan changed at billing: upgrades grant the prorated difference now, downgrades wait for the reset. */
    record ChangePlan(String tenantId, PlanType newPlan, String previousPlan, Instant effectiveAt, Inbox.Mark mark)
            implements LedgerOp {
    }

    /**
     * An admin's auto-purchase settings, the package already checked against billing's catalogue (its credits and
     * price tax included; null packageCredits only for settings that turn auto-purchase off). Answers nothing.
     */
    record SetAutoPurchase(String tenantId, String userId, boolean enabled, long threshold, AutoPurchaseMode mode,
                           String packageId, long packageCredits, Long packageYen, Long targetBalance,
                           Long monthlyCapCredits, Long monthlyCapYen) implements LedgerOp {
    }

    /**
     * Bring the account up to date: open it on first use, expire due grants, reset a new month. Every
     * other op does this first; on its own it serves reads, the sweeper and the reset job.
     */
    record Touch(String tenantId) implements LedgerOp {
    }
}
