package io.hotelcrm.credit.hold;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.hold.HoldApi;
import io.hotelcrm.contracts.credit.UsageRecorded;
import io.hotelcrm.contracts.hold.HoldApi.CaptureView;
import io.hotelcrm.contracts.hold.HoldApi.HoldView;
import io.hotelcrm.contracts.hold.HoldApi.ReleaseView;
import io.hotelcrm.credit.ledger.AccountWork;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.ledger.LedgerTransaction;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.credit.threshold.ThresholdWatcher;
import io.hotelcrm.platform.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;

/**
 * Two-phase spending (design.md §3): reserve the worst case, then capture the actual cost or release.
 * Applied by the ledger to an account read under its lock; each op is idempotent by its key, and a
 * replay answers exactly what the first call answered.
 */
@ApplicationScoped
public class HoldRules {

    private final ThresholdWatcher thresholds;
    private final CreditConfig config;

    public HoldRules(ThresholdWatcher thresholds, CreditConfig config) {
        this.thresholds = thresholds;
        this.config = config;
    }

    public HoldView reserve(AccountWork w, LedgerOp.Reserve op) {
        CreditHold existing = w.holdByKey(op.idempotencyKey());
        if (existing != null) {
            if (!existing.requestHash.equals(op.requestHash())) {
                throw ApiException.idempotencyConflict(op.idempotencyKey());
            }
            return view(existing);
        }
        if (w.available() < op.amount()) {
            w.ctxMetrics().reserveRejected();
            throw new ApiException(402, HoldApi.INSUFFICIENT_CREDITS, "クレジット残高不足",
                    op.function().japaneseName() + "機能の実行には" + op.amount() + "クレジットが必要です",
                    Map.of(HoldApi.REQUIRED, op.amount(), HoldApi.AVAILABLE, w.available()), Map.of());
        }
        CreditHold hold = new CreditHold();
        hold.id = UUID.randomUUID();
        hold.accountId = w.account().id;
        hold.amount = op.amount();
        hold.status = HoldStatus.PENDING;
        hold.functionType = op.function().name();
        hold.userId = op.userId();
        hold.idempotencyKey = op.idempotencyKey();
        hold.requestHash = op.requestHash();
        hold.createdAt = w.now();
        hold.expiresAt = w.now().plusSeconds(op.timeoutSeconds());
        w.hold(op.amount());
        hold.availableAfter = w.available();
        w.addHold(hold);
        w.ctxMetrics().reserved(op.amount());
        return view(hold);
    }

    public CaptureView capture(AccountWork w, LedgerOp.Capture op) {
        CreditHold hold = w.hold(op.holdId());
        long yenPerCredit = config.plan(w.account().planType).yenPerCredit();
        if (hold.status != HoldStatus.PENDING) {
            if (hold.status != HoldStatus.CAPTURED || !op.idempotencyKey().equals(hold.resolveKey)) {
                throw notPending(hold);
            }
            if (!op.requestHash().equals(hold.resolveHash)) {
                throw ApiException.idempotencyConflict(op.idempotencyKey());
            }
            return captureView(hold, w.captureBalance(hold.captureTransactionId), yenPerCredit);
        }
        if (!w.now().isBefore(hold.expiresAt)) {
            throw ApiException.conflict(HoldApi.HOLD_EXPIRED, "Hold " + hold.id + " expired at " + hold.expiresAt);
        }
        long amount = op.amount();
        if (amount > hold.amount) {
            throw exceedsHold(amount, hold.amount);
        }
        w.unhold(hold.amount);
        LedgerTransaction tx = new LedgerTransaction();
        tx.functionType = hold.functionType;
        tx.functionParams = op.functionParams();
        tx.executionTimeMs = op.executionTimeMs();
        tx.costPerCredit = BigDecimal.valueOf(yenPerCredit);
        tx.totalCostYen = amount * yenPerCredit;
        tx.userId = hold.userId;
        tx.referenceId = hold.id.toString();
        tx.idempotencyKey = "capture:" + hold.id;
        tx.requestHash = op.requestHash();
        tx.description = op.description();
        w.debitUsage(amount, tx);
        hold.status = HoldStatus.CAPTURED;
        hold.capturedAmount = amount;
        hold.captureTransactionId = tx.id;
        hold.resolvedAt = w.now();
        hold.resolveKey = op.idempotencyKey();
        hold.resolveHash = op.requestHash();
        hold.resolveAvailableAfter = w.available();
        w.holdChanged(hold);
        w.rememberCapture(tx);
        w.ctxMetrics().captured(amount, hold.amount - amount);
        w.usage(hold.functionType, amount, 1, 0, op.executionTimeMs() == null ? 0 : op.executionTimeMs());
        w.publish(EventType.UsageRecorded, new UsageRecorded(w.account().id.toString(), tx.id.toString(),
                hold.id.toString(), hold.idempotencyKey, hold.functionType, hold.userId, amount,
                w.account().currentBalance, w.available()));
        thresholds.afterDecrease(w);
        return captureView(hold, tx.balanceAfter, yenPerCredit);
    }

    /**
     * Reserves and captures in one: a replay finds the hold under its key and answers its capture. Both parts
     * run on the account as read under its lock, so nothing between them can take the reserved credits.
     */
    public CaptureView charge(AccountWork w, LedgerOp.Charge op) {
        // A rejected op must change nothing: every refusal of the capture comes before the reserve changes the account.
        if (op.capture().amount() > op.reserve().amount()) {
            throw exceedsHold(op.capture().amount(), op.reserve().amount());
        }
        HoldView hold = reserve(w, op.reserve());
        return capture(w, op.captureOf(UUID.fromString(hold.holdId())));
    }

    /** Gives the reserved credits back. Releasing a released (or expired) hold answers the first result. */
    public ReleaseView release(AccountWork w, LedgerOp.Release op) {
        CreditHold hold = w.hold(op.holdId());
        if (hold.status == HoldStatus.RELEASED || hold.status == HoldStatus.EXPIRED) {
            return releaseView(hold);
        }
        if (hold.status != HoldStatus.PENDING) {
            throw notPending(hold);
        }
        resolveUnused(w, hold, HoldStatus.RELEASED, op.idempotencyKey());
        return releaseView(hold);
    }

    /** Releases a pending hold whose timeout passed; false if it was resolved meanwhile or is not due. */
    public boolean expire(AccountWork w, LedgerOp.ExpireHold op) {
        CreditHold hold = w.hold(op.holdId());
        if (hold.status != HoldStatus.PENDING || w.now().isBefore(hold.expiresAt)) {
            return false;
        }
        w.ctxMetrics().holdExpired();
        resolveUnused(w, hold, HoldStatus.EXPIRED, null);
        return true;
    }

    private void resolveUnused(AccountWork w, CreditHold hold, HoldStatus status, String key) {
        w.unhold(hold.amount);
        hold.status = status;
        hold.resolvedAt = w.now();
        hold.resolveKey = key;
        hold.resolveAvailableAfter = w.available();
        w.holdChanged(hold);
        w.ctxMetrics().released(hold.amount);
        w.usage(hold.functionType, 0, 0, 1, 0);
        thresholds.afterIncrease(w);
    }

    private static ApiException exceedsHold(long amount, long held) {
        return new ApiException(400, HoldApi.CAPTURE_EXCEEDS_HOLD, "確保済みクレジットを超えています",
                "Cannot capture " + amount + " credits from a hold of " + held);
    }

    private static HoldView view(CreditHold hold) {
        return new HoldView(hold.id.toString(), HoldStatus.PENDING.name(), hold.amount, hold.availableAfter,
                hold.expiresAt);
    }

    private static CaptureView captureView(CreditHold hold, long balanceAfter, long yenPerCredit) {
        return new CaptureView(hold.captureTransactionId.toString(), hold.id.toString(), hold.capturedAmount,
                hold.amount - hold.capturedAmount, balanceAfter, hold.resolveAvailableAfter, yenPerCredit,
                hold.capturedAmount * yenPerCredit);
    }

    private static ReleaseView releaseView(CreditHold hold) {
        return new ReleaseView(hold.id.toString(), hold.status.name(), hold.amount, hold.resolveAvailableAfter);
    }

    /**
     * Says what became of the hold, and what a captured one charged: a caller that lost track of its own
     * capture (a gateway that died before recording it) learns what the ledger kept.
     */
    private static ApiException notPending(CreditHold hold) {
        ApiException conflict = ApiException.conflict(HoldApi.HOLD_NOT_PENDING,
                "Hold " + hold.id + " is already " + hold.status).with(HoldApi.HOLD_STATUS, hold.status.name());
        return hold.status == HoldStatus.CAPTURED ? conflict.with(HoldApi.CAPTURED_CREDITS, hold.capturedAmount) : conflict;
    }
}
