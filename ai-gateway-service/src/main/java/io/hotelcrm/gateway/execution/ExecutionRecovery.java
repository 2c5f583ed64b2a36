package io.hotelcrm.gateway.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.contracts.hold.HoldApi;
import io.hotelcrm.gateway.credit.CreditLedger;
import io.hotelcrm.gateway.credit.CreditServiceUnavailableException;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.gateway.provider.EngineResult;
import io.hotelcrm.platform.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Settles what an execution left open, so that no hold is forgotten and every Idempotency-Key ends in a
 * final answer:
 * <ul>
 *   <li>CAPTURE_PENDING (a keyed execution's result, stored before its capture, or a capture credit-service
 *       did not take): capture the stored result by the capture key, then COMPLETED (the key answers it);
 *       an expired hold charged nothing, so FAILED. Without a hold (a result charged at once) the charge is
 *       replayed by its keys; a 402 then charged nothing, so FAILED;</li>
 *   <li>RELEASE_PENDING: release by the release key, then FAILED; if the hold turns out captured (the
 *       capture went through although its answer was lost) the capture is replayed and recorded. A
 *       reservation that was never answered is replayed by the execution id first, to find its hold;</li>
 *   <li>RUNNING past its hold's lifetime (the process died mid-way): the reservation is replayed by the
 *       execution id, which answers the original hold (or makes one), released, then FAILED INTERRUPTED. A
 *       hold that turns out captured (an unkeyed execution whose process died before recording it) is
 *       recorded with the credits the ledger kept, so the execution and the ledger agree.</li>
 * </ul>
 * A CAPTURE_PENDING row whose request may still be capturing (it was stored less than one credit-service
 * timeout ago) is left to that request. credit-service still unreachable: the row waits for the next run.
 * Every call is idempotent by its key, and each transition locks the row, so replicas may run this side by side.
 */
@ApplicationScoped
public class ExecutionRecovery {

    private static final Logger LOG = Logger.getLogger(ExecutionRecovery.class);

    private final ExecutionService executions;
    private final CreditLedger ledger;
    private final GatewayConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;

    public ExecutionRecovery(ExecutionService executions, CreditLedger ledger, GatewayConfig config, Clock clock,
                             MeterRegistry metrics) {
        this.executions = executions;
        this.ledger = ledger;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Scheduled(every = "${gateway.recovery.interval}", delayed = "${gateway.recovery.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> settleUnfinished() {
        Instant now = clock.instant();
        return Panache.withSession(() -> Execution.<Execution>find(
                        "status in ?1 or (status = ?2 and createdAt < ?3) order by createdAt",
                        List.of(Execution.CAPTURE_PENDING, Execution.RELEASE_PENDING), Execution.RUNNING,
                        now.minusSeconds(config.holdTimeoutSeconds()))
                        .page(0, config.recovery().batchSize()).list())
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                .filter(e -> due(e, now))
                .onItem().transformToUniAndConcatenate(this::settle)
                .collect().asList().replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("recovery run failed, next run retries: %s", e.toString());
                    return null;
                });
    }

    /** RUNNING past its hold; CAPTURE_PENDING once its own capture can no longer be in flight; RELEASE_PENDING. */
    private boolean due(Execution e, Instant now) {
        return switch (e.status) {
            case Execution.RUNNING -> holdOver(e, now);
            case Execution.CAPTURE_PENDING -> e.createdAt.plusMillis(latency(e))
                    .plus(config.creditService().timeout()).isBefore(now);
            default -> true;
        };
    }

    private static boolean holdOver(Execution e, Instant now) {
        int lifetime = e.holdTimeoutSeconds == null ? 0 : e.holdTimeoutSeconds;
        return e.createdAt.plusSeconds(lifetime).isBefore(now);
    }

    /** One execution; failures are logged and retried on the next run. */
    Uni<Void> settle(Execution e) {
        Uni<Void> step = switch (e.status) {
            case Execution.CAPTURE_PENDING -> capture(e);
            case Execution.RELEASE_PENDING -> release(e);
            default -> interrupted(e);
        };
        String from = e.status;
        return step.invoke(() -> metrics.counter("ai.executions.recovered", "from", from).increment())
                .onFailure().recoverWithItem(t -> {
                    if (!(t instanceof CreditServiceUnavailableException)) {
                        LOG.warnf("could not settle execution %s (%s): %s", e.id, from, t.toString());
                    }
                    return null;
                });
    }

    private Uni<Void> capture(Execution e) {
        EngineResult result = executions.read(e.response, EngineResult.class);
        if (e.holdId == null) { // charged at once (a built-in engine's result): replay the charge by its keys
            return executions.chargeAtOnce(e, e.credits, latency(e), result.model())
                    .chain(c -> executions.complete(e, result, e.credits, c, latency(e), null).replaceWithVoid())
                    // refused (402: the credits went meanwhile): nothing was charged, and the key is freed
                    .onFailure(t -> t instanceof ApiException api && api.status() < 500)
                    .recoverWithUni(t -> executions.fail(e, ((ApiException) t).code(), 0, latency(e)));
        }
        return ledger.capture(e.holdId.toString(), e.credits, e.id + ":capture", latency(e),
                        ExecutionService.description(FunctionType.valueOf(e.functionType), result.model()))
                .chain(c -> executions.complete(e, result, e.credits, c, latency(e), null).replaceWithVoid())
                .onFailure(ExecutionRecovery::resolved).recoverWithUni(t -> executions.fail(e, "HOLD_EXPIRED", 0, latency(e)));
    }

    private Uni<Void> release(Execution e) {
        if (e.holdId == null) { // the reservation was not answered: replay it by key to learn (or make) the hold
            return settledByRelease(e).chain(charged -> executions.fail(e, code(e), charged, latency(e)));
        }
        return ledger.release(e.holdId.toString(), e.id + ":release")
                .chain(r -> executions.fail(e, code(e), 0, latency(e)))
                .onFailure(ExecutionRecovery::resolved).recoverWithUni(t -> e.credits > 0 ? capturedAfterAll(e)
                        : executions.fail(e, code(e), captured(t), latency(e)));
    }

    /** The release found the hold resolved: the capture we could not confirm went through, or it expired. */
    private Uni<Void> capturedAfterAll(Execution e) {
        EngineResult result = e.response == null ? null : executions.read(e.response, EngineResult.class);
        String model = result == null ? e.model : result.model();
        return ledger.capture(e.holdId.toString(), e.credits, e.id + ":capture", latency(e),
                        ExecutionService.description(FunctionType.valueOf(e.functionType), model))
                .chain(c -> result != null
                        ? executions.complete(e, result, e.credits, c, latency(e), null).replaceWithVoid()
                        : executions.fail(e, code(e), e.credits, latency(e)))
                .onFailure(ExecutionRecovery::resolved).recoverWithUni(t -> executions.fail(e, code(e), 0, latency(e)));
    }

    private Uni<Void> interrupted(Execution e) {
        if (e.reservedCredits == null) { // recorded before reservations were replayable: the hold expires by itself
            return executions.fail(e, "INTERRUPTED", 0, 0);
        }
        return settledByRelease(e).chain(charged -> executions.fail(e, "INTERRUPTED", charged, 0));
    }

    /**
     * Replays the reservation by the execution id (which answers its hold, or makes one) and releases it;
     * the credits the ledger kept: 0, or what a capture took that the process died before recording.
     */
    private Uni<Long> settledByRelease(Execution e) {
        return executions.reserve(e)
                .chain(hold -> ledger.release(hold.holdId(), e.id + ":release"))
                .replaceWith(0L)
                .onFailure(t -> t instanceof ApiException api && api.status() < 500)
                .recoverWithItem(ExecutionRecovery::captured);
    }

    /** What a refusal says the hold charged: the captured credits of HOLD_NOT_PENDING, otherwise nothing. */
    private static long captured(Throwable t) {
        if (t instanceof ApiException api && HoldApi.HOLD_NOT_PENDING.equals(api.code())) {
            // CreditLedger relays credit-service's problem members as JSON
            if (api.extensions().get(HoldApi.CAPTURED_CREDITS) instanceof JsonNode credits) {
                return credits.asLong();
            }
        }
        return 0;
    }

    /** credit-service says the hold is no longer pending (released, captured under another key, expired). */
    private static boolean resolved(Throwable t) {
        return t instanceof ApiException api
                && (HoldApi.HOLD_NOT_PENDING.equals(api.code()) || HoldApi.HOLD_EXPIRED.equals(api.code()));
    }

    private static String code(Execution e) {
        return e.errorCode == null ? "INTERRUPTED" : e.errorCode;
    }

    private static long latency(Execution e) {
        return e.latencyMs == null ? 0 : e.latencyMs;
    }
}
