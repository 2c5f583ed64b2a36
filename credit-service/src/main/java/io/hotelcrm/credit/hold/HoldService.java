package io.hotelcrm.credit.hold;

import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.contracts.hold.HoldApi.CaptureRequest;
import io.hotelcrm.contracts.hold.HoldApi.CaptureView;
import io.hotelcrm.contracts.hold.HoldApi.ChargeRequest;
import io.hotelcrm.contracts.hold.HoldApi.HoldView;
import io.hotelcrm.contracts.hold.HoldApi.ReleaseView;
import io.hotelcrm.contracts.hold.HoldApi.ReserveRequest;
import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Checks hold requests and hands them to the ledger ({@link HoldRules} says what they do). */
@ApplicationScoped
public class HoldService {

    private final Ledger ledger;
    private final CreditConfig config;

    public HoldService(Ledger ledger, CreditConfig config) {
        this.ledger = ledger;
        this.config = config;
    }

    /** Reserves credits; 402 INSUFFICIENT_CREDITS when fewer are available. */
    public Uni<HoldView> reserveCredits(ReserveRequest request) {
        return ledger.submit(reserveOp(request));
    }

    /** Reserves and captures in one ledger op: the reservation's checks and 402, then the capture's. */
    public Uni<CaptureView> charge(ChargeRequest request) {
        return ledger.submit(new LedgerOp.Charge(reserveOp(request.hold()), captureOp(null, request.capture())));
    }

    private LedgerOp.Reserve reserveOp(ReserveRequest request) {
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
        return new LedgerOp.Reserve(request.tenantId(), request.amount(), function, request.userId(),
                request.idempotencyKey(), timeout, hash);
    }

    /** Charges the actual cost (at most the hold) and releases the rest. */
    public Uni<CaptureView> captureHold(UUID holdId, CaptureRequest request) {
        return ledger.submit(captureOp(holdId, request));
    }

    private static LedgerOp.Capture captureOp(UUID holdId, CaptureRequest request) {
        return new LedgerOp.Capture(holdId, request.amount(), request.idempotencyKey(),
                RequestHash.of("capture", request.amount()), request.executionTimeMs(), request.description(),
                request.functionParams());
    }

    /** Gives the reserved credits back. Releasing a released (or expired) hold answers the first result. */
    public Uni<ReleaseView> releaseHold(UUID holdId, String key) {
        return ledger.submit(new LedgerOp.Release(holdId, key));
    }
}
