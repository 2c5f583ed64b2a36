package io.hotelcrm.credit.hold;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.contracts.credit.UsageRecorded;
import io.hotelcrm.credit.account.AccountService;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.grant.GrantService;
import io.hotelcrm.credit.hold.HoldViews.CaptureRequest;
import io.hotelcrm.credit.hold.HoldViews.CaptureView;
import io.hotelcrm.credit.hold.HoldViews.HoldView;
import io.hotelcrm.credit.hold.HoldViews.ReleaseView;
import io.hotelcrm.credit.hold.HoldViews.ReserveRequest;
import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerTransaction;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.credit.threshold.ThresholdWatcher;
import io.hotelcrm.credit.usage.UsageRollup;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.platform.outbox.Outbox;
import io.hotelcrm.platform.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;

/**
 * Two-phase spending (design.md §3): reserve the worst case, then capture the actual cost or release.
 * Each operation is one transaction that locks the account row first, then the hold; each is
 * idempotent by its key, and a replay answers exactly what the first call answered.
 */
@ApplicationScoped
public class HoldService {

    private final AccountService accounts;
    private final GrantService grants;
    private final Ledger ledger;
    private final UsageRollup usage;
    private final ThresholdWatcher thresholds;
    private final Outbox outbox;
    private final CreditConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;

    public HoldService(AccountService accounts, GrantService grants, Ledger ledger, UsageRollup usage,
                       ThresholdWatcher thresholds, Outbox outbox, CreditConfig config, Clock clock,
                       MeterRegistry metrics) {
        this.accounts = accounts;
        this.grants = grants;
        this.ledger = ledger;
        this.usage = usage;
        this.thresholds = thresholds;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Reserves credits; 402 INSUFFICIENT_CREDITS when fewer are available. */
    public Uni<HoldView> reserveCredits(ReserveRequest request) {
        FunctionType function = FunctionType.parse(request.functionType());
        if (function == null) {
            throw ApiException.validation("functionType must be one of CHATBOT, RECOMMENDATION, PREDICTION, ANALYSIS, CUSTOM");
        }
        if (request.amount() > config.holds().maxAmount()) {
            throw ApiException.validation("amount must be at most " + config.holds().maxAmount());
        }
        int timeout = request.timeoutSeconds() == null ? config.holds().defaultTimeoutSeconds() : request.timeoutSeconds();
        if (timeout > config.holds().maxTimeoutSeconds()) {
            throw ApiException.validation("timeoutSeconds must be at most " + config.holds().maxTimeoutSeconds());
        }
        String hash = RequestHash.of("reserve", request.amount(), function, request.userId(), timeout);
        return accounts.accountOf(request.tenantId()).chain(opened -> Panache.withTransaction(() ->
                CreditAccount.lock(opened.id).chain(account ->
                        CreditHold.<CreditHold>find("accountId = ?1 and idempotencyKey = ?2", account.id,
                                        request.idempotencyKey()).firstResult()
                                .chain(existing -> existing != null
                                        ? Uni.createFrom().item(replayReserve(existing, hash, request.idempotencyKey()))
                                        : grants.expireDue(account).chain(() ->
                                                newHold(account, request, function, timeout, hash))))));
    }

    private Uni<HoldView> newHold(CreditAccount account, ReserveRequest request, FunctionType function, int timeout,
                                  String hash) {
        long amount = request.amount();
        if (account.available() < amount) {
            metrics.counter("credits.reserve.rejected").increment();
            throw new ApiException(402, "INSUFFICIENT_CREDITS", "クレジット残高不足",
                    function.japaneseName() + "機能の実行には" + amount + "クレジットが必要です",
                    Map.of("required", amount, "available", account.available()), Map.of());
        }
        Instant now = clock.instant();
        CreditHold hold = new CreditHold();
        hold.id = UUID.randomUUID();
        hold.accountId = account.id;
        hold.amount = amount;
        hold.status = HoldStatus.PENDING;
        hold.functionType = function.name();
        hold.userId = request.userId();
        hold.idempotencyKey = request.idempotencyKey();
        hold.requestHash = hash;
        hold.createdAt = now;
        hold.expiresAt = now.plusSeconds(timeout);
        account.heldCredits += amount;
        account.updatedAt = now;
        hold.availableAfter = account.available();
        metrics.counter("credits.reserved").increment(amount);
        return hold.persist().replaceWith(view(hold));
    }

    private static HoldView replayReserve(CreditHold hold, String hash, String key) {
        if (!hold.requestHash.equals(hash)) {
            throw ApiException.idempotencyConflict(key);
        }
        return view(hold);
    }

    private static HoldView view(CreditHold hold) {
        return new HoldView(hold.id.toString(), HoldStatus.PENDING.name(), hold.amount, hold.availableAfter,
                hold.expiresAt);
    }

    /** Charges the actual cost (at most the hold) and releases the rest. */
    public Uni<CaptureView> captureHold(UUID holdId, CaptureRequest request) {
        String hash = RequestHash.of("capture", request.amount());
        return Panache.withTransaction(() -> lockHold(holdId).chain(locked -> {
            CreditAccount account = locked.account();
            CreditHold hold = locked.hold();
            if (hold.status != HoldStatus.PENDING) {
                return replayCapture(account, hold, request.idempotencyKey(), hash);
            }
            if (!clock.instant().isBefore(hold.expiresAt)) {
                throw ApiException.conflict("HOLD_EXPIRED", "Hold " + holdId + " expired at " + hold.expiresAt);
            }
            if (request.amount() > hold.amount) {
                throw new ApiException(400, "CAPTURE_EXCEEDS_HOLD", "確保済みクレジットを超えています",
                        "Cannot capture " + request.amount() + " credits from a hold of " + hold.amount);
            }
            return capture(account, hold, request, hash);
        }));
    }

    private Uni<CaptureView> capture(CreditAccount account, CreditHold hold, CaptureRequest request, String hash) {
        long amount = request.amount();
        long yenPerCredit = config.plan(account.planType).yenPerCredit();
        Instant now = clock.instant();
        account.heldCredits -= hold.amount;
        return grants.burn(account, amount).chain(() -> {
            long before = account.currentBalance;
            account.currentBalance -= amount;
            account.totalUsed += amount;
            LedgerTransaction tx = new LedgerTransaction();
            tx.type = TransactionType.USAGE;
            tx.creditsAmount = -amount;
            tx.functionType = hold.functionType;
            tx.functionParams = request.functionParams();
            tx.executionTimeMs = request.executionTimeMs();
            tx.costPerCredit = BigDecimal.valueOf(yenPerCredit);
            tx.totalCostYen = amount * yenPerCredit;
            tx.userId = hold.userId;
            tx.referenceId = hold.id.toString();
            tx.idempotencyKey = "capture:" + hold.id;
            tx.requestHash = hash;
            tx.description = request.description();
            return ledger.append(account, tx, before);
        }).call(tx -> {
            hold.status = HoldStatus.CAPTURED;
            hold.capturedAmount = amount;
            hold.captureTransactionId = tx.id;
            hold.resolvedAt = now;
            hold.resolveKey = request.idempotencyKey();
            hold.resolveHash = hash;
            hold.resolveAvailableAfter = account.available();
            metrics.counter("credits.captured").increment(amount);
            metrics.counter("credits.released").increment(hold.amount - amount);
            return usage.captured(account.id, today(account), hold.functionType, amount,
                    request.executionTimeMs() == null ? 0 : request.executionTimeMs());
        }).call(tx -> outbox.publish(EventType.UsageRecorded, account.tenantId, new UsageRecorded(
                account.id.toString(), tx.id.toString(), hold.id.toString(), hold.idempotencyKey, hold.functionType,
                hold.userId, amount, account.currentBalance, account.available())))
                .call(() -> thresholds.afterDecrease(account))
                .map(tx -> captureView(hold, tx.balanceAfter, yenPerCredit));
    }

    private Uni<CaptureView> replayCapture(CreditAccount account, CreditHold hold, String key, String hash) {
        if (hold.status != HoldStatus.CAPTURED || !key.equals(hold.resolveKey)) {
            throw notPending(hold);
        }
        if (!hash.equals(hold.resolveHash)) {
            throw ApiException.idempotencyConflict(key);
        }
        long yenPerCredit = config.plan(account.planType).yenPerCredit();
        return LedgerTransaction.<LedgerTransaction>findById(hold.captureTransactionId)
                .map(tx -> captureView(hold, tx.balanceAfter, yenPerCredit));
    }

    private static CaptureView captureView(CreditHold hold, long balanceAfter, long yenPerCredit) {
        return new CaptureView(hold.captureTransactionId.toString(), hold.id.toString(), hold.capturedAmount,
                hold.amount - hold.capturedAmount, balanceAfter, hold.resolveAvailableAfter, yenPerCredit,
                hold.capturedAmount * yenPerCredit);
    }

    /** Gives the reserved credits back. Releasing a released (or expired) hold answers the first result. */
    public Uni<ReleaseView> releaseHold(UUID holdId, String key) {
        return Panache.withTransaction(() -> lockHold(holdId).chain(locked -> {
            CreditHold hold = locked.hold();
            if (hold.status == HoldStatus.RELEASED || hold.status == HoldStatus.EXPIRED) {
                return Uni.createFrom().item(releaseView(hold));
            }
            if (hold.status != HoldStatus.PENDING) {
                throw notPending(hold);
            }
            return resolveUnused(locked.account(), hold, HoldStatus.RELEASED, key).map(HoldService::releaseView);
        }));
    }

    /** Releases a pending hold whose timeout passed (the sweeper); false if it was resolved meanwhile. */
    public Uni<Boolean> expireHold(UUID holdId) {
        return Panache.withTransaction(() -> lockHold(holdId).chain(locked -> {
            CreditHold hold = locked.hold();
            if (hold.status != HoldStatus.PENDING || clock.instant().isBefore(hold.expiresAt)) {
                return Uni.createFrom().item(false);
            }
            metrics.counter("credit.holds.expired").increment();
            return resolveUnused(locked.account(), hold, HoldStatus.EXPIRED, null).replaceWith(true);
        }));
    }

    private Uni<CreditHold> resolveUnused(CreditAccount account, CreditHold hold, HoldStatus status, String key) {
        account.heldCredits -= hold.amount;
        account.updatedAt = clock.instant();
        hold.status = status;
        hold.resolvedAt = account.updatedAt;
        hold.resolveKey = key;
        hold.resolveAvailableAfter = account.available();
        metrics.counter("credits.released").increment(hold.amount);
        return usage.released(account.id, today(account), hold.functionType)
                .call(() -> thresholds.afterIncrease(account))
                .replaceWith(hold);
    }

    private static ReleaseView releaseView(CreditHold hold) {
        return new ReleaseView(hold.id.toString(), hold.status.name(), hold.amount, hold.resolveAvailableAfter);
    }

    private record Locked(CreditAccount account, CreditHold hold) {
    }

    /** Lock order: the account first, then the hold, as everywhere else. */
    private Uni<Locked> lockHold(UUID holdId) {
        return CreditHold.<CreditHold>findById(holdId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Hold " + holdId))
                .chain(found -> CreditAccount.lock(found.accountId)
                        .chain(account -> Panache.getSession().chain(s -> s.refresh(found, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE))
                                .replaceWith(new Locked(account, found))));
    }

    private static ApiException notPending(CreditHold hold) {
        return ApiException.conflict("HOLD_NOT_PENDING", "Hold " + hold.id + " is already " + hold.status)
                .with("holdStatus", hold.status.name());
    }

    private LocalDate today(CreditAccount account) {
        return LocalDate.ofInstant(clock.instant(), ZoneId.of(account.timeZone));
    }
}
