package io.hotelcrm.gateway.execution;

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
 *   <li>CAPTURE_PENDING: capture the stored result by the capture key, then COMPLETED (the key answers it);
 *       an expired hold charged nothing, so FAILED;</li>
 *   <li>RELEASE_PENDING: release by the release key, then FAILED; if the hold turns out captured (the
 *       capture went through although its answer was lost) the capture is replayed and recorded. A
 *       reservation that was never answered is replayed by the execution id first, to find its hold;</li>
 *   <li>RUNNING past its hold's lifetime (the process died mid-way): the reservation is replayed by the
 *       execution id, which answers the original hold (or makes one), released, then FAILED INTERRUPTED.</li>
 * </ul>
 * credit-service still unreachable: the row waits for the next run. Every call is idempotent by its key,
 * and each transition locks the row, so replicas may run this side by side.
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
                .filter(e -> !Execution.RUNNING.equals(e.status) || holdOver(e, now))
                .onItem().transformToUniAndConcatenate(this::settle)
                .collect().asList().replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("recovery run failed, next run retries: %s", e.toString());
                    return null;
                });
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
        return ledger.capture(e.holdId.toString(), e.credits, e.id + ":capture", latency(e),
                        ExecutionService.description(FunctionType.valueOf(e.functionType), result.model()))
                .chain(c -> executions.complete(e, result, e.credits, c, latency(e), null).replaceWithVoid())
                .onFailure(ExecutionRecovery::resolved).recoverWithUni(t -> executions.fail(e, "HOLD_EXPIRED", 0, latency(e)));
    }

    private Uni<Void> release(Execution e) {
        if (e.holdId == null) { // the reservation was not answered: replay it by key to learn (or make) the hold
            return executions.reserve(e)
                    .chain(hold -> ledger.release(hold.holdId(), e.id + ":release"))
                    .replaceWithVoid()
                    .onFailure(t -> t instanceof ApiException api && api.status() < 500).recoverWithNull()
                    .chain(() -> executions.fail(e, code(e), 0, latency(e)));
        }
        return ledger.release(e.holdId.toString(), e.id + ":release")
                .chain(r -> executions.fail(e, code(e), 0, latency(e)))
                .onFailure(t -> resolved(t) && e.credits > 0).recoverWithUni(t -> capturedAfterAll(e));
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
        return executions.reserve(e)
                .chain(hold -> ledger.release(hold.holdId(), e.id + ":release"))
                .replaceWithVoid()
                .onFailure(t -> t instanceof ApiException api && api.status() < 500).recoverWithNull()
                .chain(() -> executions.fail(e, "INTERRUPTED", 0, 0));
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
