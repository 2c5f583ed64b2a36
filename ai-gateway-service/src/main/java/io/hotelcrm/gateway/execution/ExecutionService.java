package io.hotelcrm.gateway.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.contracts.gateway.ExecutionCompleted;
import io.hotelcrm.contracts.gateway.ExecutionFailed;
import io.hotelcrm.gateway.anomaly.AnomalyDetector;
import io.hotelcrm.contracts.hold.HoldApi;
import io.hotelcrm.gateway.credit.CreditLedger;
import io.hotelcrm.gateway.credit.CreditServiceUnavailableException;
import io.hotelcrm.gateway.execution.CostPolicy.Cost;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.gateway.limits.RateLimiter;
import io.hotelcrm.gateway.provider.AiEngine;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.gateway.provider.EngineResult;
import io.hotelcrm.gateway.provider.EngineRouter;
import io.hotelcrm.gateway.provider.ProviderRateLimitedException;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.platform.persistence.Constraints;
import io.hotelcrm.platform.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The execute pipeline (issue 4): sanitise → rate limits → anomaly score (403 above the blocking
 * threshold) → reserve the worst case at credit-service →
 * run → capture the actual cost (≤ the hold) or release. A built-in engine's answer is charged after it
 * is ready, reserve and capture in one call ({@link #chargedAfterAnswer}). A retry with the same Idempotency-Key is
 * answered from the first execution and charged once; an execution that failed without a charge
 * frees its key so the client may retry.
 */
@ApplicationScoped
public class ExecutionService {

    private final InputSanitizer sanitizer;
    private final RateLimiter limiter;
    private final AnomalyDetector anomaly;
    private final EngineRouter engines;
    private final CostPolicy costs;
    private final CreditLedger ledger;
    private final ExecutionStore store;
    private final GatewayConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry metrics;

    public ExecutionService(InputSanitizer sanitizer, RateLimiter limiter, AnomalyDetector anomaly, EngineRouter engines,
                            CostPolicy costs,
                            CreditLedger ledger, ExecutionStore store, GatewayConfig config,
                            ObjectMapper json, Clock clock, MeterRegistry metrics) {
        this.sanitizer = sanitizer;
        this.limiter = limiter;
        this.anomaly = anomaly;
        this.engines = engines;
        this.costs = costs;
        this.ledger = ledger;
        this.store = store;
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
    }

    public Uni<ExecuteResponse> execute(String tenant, String user, ExecuteRequest request, String idempotencyKey) {
        FunctionType function = sanitizer.function(request.functionType());
        return execute(tenant, user, sanitizer.clean(tenant, function, request.parameters()), idempotencyKey);
    }

    /** The pipeline for a sanitised request; the OpenAI-compatible API enters here with a conversation. */
    public Uni<ExecuteResponse> execute(String tenant, String user, EngineRequest clean, String idempotencyKey) {
        if (idempotencyKey != null && !RequestHash.KEY.matcher(idempotencyKey).matches()) {
            throw ApiException.validation("Idempotency-Key must be 1-200 characters of letters, digits and ._:@/-");
        }
        FunctionType function = clean.function();
        AiEngine engine = engines.engineFor(function, clean.model()); // unavailable: refused before anything is reserved
        String hash = RequestHash.of(function, clean.input(), clean.model(), clean.temperature(), clean.maxTokens(),
                clean.options(), clean.messages());
        Cost worst = costs.worstCase(function, clean.promptChars(), clean.maxTokens(), InputSanitizer.rows(clean.options()));
        return replay(tenant, idempotencyKey, hash)
                .onItem().ifNull().switchTo(() -> limiter.acquire(tenant, user, function)
                        .chain(() -> anomaly.assess(tenant, user, clean))
                        .chain(() -> start(tenant, user, function, idempotencyKey, hash, engine, clean, worst))
                        .chain(execution -> run(execution, clean, engine, function)));
    }

    /**
     * How long the hold lives. A stream may run up to {@code gateway.streams.max-duration} (then it is cut
     * and charged for what was sent), so its hold outlives that; anything else is bounded by the provider
     * timeout, well inside {@code gateway.hold-timeout-seconds}.
     */
    private int holdTimeoutSeconds(EngineRequest clean) {
        return clean.streaming()
                ? (int) config.streams().maxDuration().toSeconds() + config.holdTimeoutSeconds()
                : config.holdTimeoutSeconds();
    }

    private Uni<ExecuteResponse> replay(String tenant, String key, String hash) {
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return store.byKey(tenant, key).map(found -> {
            if (found == null) {
                return null;
            }
            if (!hash.equals(found.requestHash())) {
                throw ApiException.idempotencyConflict(key);
            }
            if (Execution.CAPTURE_PENDING.equals(found.status())) {
                throw new CreditServiceUnavailableException("This execution's result is being charged; retry with the "
                        + "same Idempotency-Key to receive it", 1);
            }
            if (!Execution.COMPLETED.equals(found.status())) {
                throw ApiException.conflict("EXECUTION_IN_PROGRESS", "An execution with this Idempotency-Key is still running");
            }
            return read(found.response(), ExecuteResponse.class);
        });
    }

    private Uni<Execution> start(String tenant, String user, FunctionType function, String key, String hash,
                                 AiEngine engine, EngineRequest clean, Cost worst) {
        Execution e = new Execution();
        e.id = UUID.randomUUID();
        e.tenantId = tenant;
        e.userId = user;
        e.functionType = function.name();
        e.status = Execution.RUNNING;
        e.idempotencyKey = key;
        e.requestHash = hash;
        e.provider = engine.provider();
        e.model = clean.model();
        e.reservedCredits = worst.credits();
        e.holdTimeoutSeconds = holdTimeoutSeconds(clean);
        e.createdAt = clock.instant();
        return store.insertRunning(e).replaceWith(e)
                .onFailure(t -> key != null && Constraints.isUniqueViolation(t))
                .transform(t -> ApiException.conflict("EXECUTION_IN_PROGRESS",
                        "An execution with this Idempotency-Key is already running"));
    }

    private Uni<ExecuteResponse> run(Execution execution, EngineRequest clean, AiEngine engine, FunctionType function) {
        Instant started = clock.instant();
        if (chargedAfterAnswer(engine, clean)) {
            long begun = System.nanoTime();
            AtomicLong answered = new AtomicLong(begun);
            return answer(engine, clean, null, execution, answered)
                    .onFailure().call(e -> fail(execution, e, 0, started)) // nothing was reserved
                    .chain(result -> charge(execution, null, result, function, started, false,
                            Math.round((answered.get() - begun) / 1_000.0) / 1_000.0));
        }
        StreamMeter meter = clean.streaming() ? new StreamMeter(clean.partials()) : null;
        EngineRequest request = meter == null ? clean : clean.streamingTo(meter);
        return reserve(execution)
                // unanswered, the reservation may have been made: the recovery job replays it by key and releases it
                .onFailure().call(e -> e instanceof CreditServiceUnavailableException
                        ? owe(execution, null, Execution.RELEASE_PENDING, 0, null, 0, code(e))
                        : fail(execution, e, 0, started))
                // deferred: an engine that throws instead of failing its Uni must still release the hold
                .chain(hold -> {
                    long begun = System.nanoTime();
                    AtomicLong answered = new AtomicLong(begun);
                    return answer(engine, request, meter, execution, answered)
                            .onFailure().call(e -> settleFailure(execution, hold, e, function, started))
                            .chain(result -> charge(execution, hold, result, function, started, meter != null,
                                    Math.round((answered.get() - begun) / 1_000.0) / 1_000.0));
                });
    }

    /**
     * The built-in engines answer in well under a millisecond and cost nothing to run, so their result is charged
     * after it is ready, with one call that reserves the worst case and captures the actual cost (credit-service's
     * 402 when the worst case is not available, as before; the result is then dropped, never shown). A stream shows
     * output before it ends, and an LLM call costs money whatever we answer: both reserve first.
     */
    private static boolean chargedAfterAnswer(AiEngine engine, EngineRequest clean) {
        return EngineRouter.LOCAL.equals(engine.provider()) && !clean.streaming();
    }

    /** Reserves the execution's worst case under its id; replaying it answers the same hold. */
    Uni<HoldApi.HoldView> reserve(Execution execution) {
        return ledger.reserve(execution.tenantId, execution.userId, FunctionType.valueOf(execution.functionType),
                execution.reservedCredits, execution.id.toString(), execution.holdTimeoutSeconds);
    }

    /**
     * Reserves the worst case and captures {@code credits} at once, under the keys {@link #reserve} and the capture
     * use: replaying either, or releasing the hold, answers what this did.
     */
    Uni<HoldApi.CaptureView> chargeAtOnce(Execution execution, long credits, long latency, String model) {
        FunctionType function = FunctionType.valueOf(execution.functionType);
        return ledger.charge(execution.tenantId, execution.userId, function, execution.reservedCredits,
                execution.id.toString(), execution.holdTimeoutSeconds, credits, execution.id + ":capture", latency,
                description(function, model));
    }

    /** The engine's answer; {@code answered} gets the instant it came, before the hop back to the event loop. */
    private Uni<EngineResult> answer(AiEngine engine, EngineRequest request, StreamMeter meter, Execution execution,
                                     AtomicLong answered) {
        Uni<EngineResult> answer = Uni.createFrom().deferred(() -> engine.run(request));
        if (meter != null) {
            // A stream is cut at its deadline and charged for what was sent, before its hold can expire.
            answer = answer.ifNoItem().after(config.streams().maxDuration())
                    .recoverWithItem(() -> meter.cutOff(request, execution.model));
        }
        // engineTime is the engine's: waiting for the event loop afterwards is the gateway's share
        answer = answer.invoke(() -> answered.set(System.nanoTime()));
        // Engines answer on worker or provider threads; what follows goes on on the request's event loop.
        Context loop = Vertx.currentContext();
        return loop == null ? answer : answer.emitOn(task -> loop.runOnContext(v -> task.run()));
    }

    /**
     * A failed run costs nothing, except a provider rate limit: the request reached the provider, so the
     * configured minimal charge (the guide's 1 credit) is captured and the rest released. A release or
     * capture credit-service does not take now is left to the recovery job.
     */
    private Uni<Void> settleFailure(Execution execution, HoldApi.HoldView hold, Throwable cause, FunctionType function,
                                    Instant started) {
        long latency = Duration.between(started, clock.instant()).toMillis();
        if (cause instanceof ProviderRateLimitedException) {
            long minimal = Math.min(config.providerRateLimitCharge(), hold.amount());
            return ledger.capture(hold.holdId(), minimal, execution.id + ":capture", latency,
                            description(function, execution.model))
                    .chain(capture -> fail(execution, cause, minimal, started))
                    .onFailure().recoverWithUni(e -> owe(execution, hold, Execution.RELEASE_PENDING, minimal, null,
                            latency, code(cause)));
        }
        return ledger.release(hold.holdId(), execution.id + ":release")
                .chain(release -> fail(execution, cause, 0, started))
                .onFailure().recoverWithUni(e -> owe(execution, hold, Execution.RELEASE_PENDING, 0, null, latency,
                        code(cause)));
    }

    /** Captures the result's cost from the hold, or without one ({@code hold} null) charges it at once. */
    private Uni<ExecuteResponse> charge(Execution execution, HoldApi.HoldView hold, EngineResult result,
                                        FunctionType function, Instant started, boolean streamed, double engineMs) {
        Cost actual = costs.cost(function, result.units());
        long credits = Math.min(actual.credits(), execution.reservedCredits); // never above the worst case
        long latency = Duration.between(started, clock.instant()).toMillis();
        return keepForReplay(execution, hold, credits, result, latency)
                .chain(() -> hold == null ? chargeAtOnce(execution, credits, latency, result.model())
                        : ledger.capture(hold.holdId(), credits, execution.id + ":capture", latency,
                                description(function, result.model())))
                .onFailure(CreditServiceUnavailableException.class).recoverWithUni(e -> {
                    // A result the client can fetch again (by its key) or has already seen (a stream) is owed;
                    // any other is dropped and its hold given back.
                    boolean owed = execution.idempotencyKey != null || streamed;
                    return owe(execution, hold, owed ? Execution.CAPTURE_PENDING : Execution.RELEASE_PENDING, credits,
                            result, latency, "CREDIT_SERVICE_UNAVAILABLE")
                            .chain(() -> Uni.createFrom().failure(owed ? new CreditServiceUnavailableException(
                                    "The result could not be charged yet; retry with the same Idempotency-Key to "
                                            + "receive it once credit-service is back", 1) : e));
                })
                .onFailure(e -> !(e instanceof CreditServiceUnavailableException))
                .call(e -> fail(execution, e, 0, started)) // refused (HOLD_EXPIRED, a charge's 402): nothing charged
                .chain(capture -> complete(execution, result, credits, capture, latency, engineMs));
    }

    /**
     * A keyed execution stores its result (CAPTURE_PENDING) before it is charged: if this process dies between
     * the capture and COMPLETED, the recovery job replays the capture by its key and the key answers the
     * result the hotel paid for, instead of a failure that a retry would charge again. Unkeyed executions
     * skip the write; nobody could fetch their result again.
     */
    private Uni<Void> keepForReplay(Execution execution, HoldApi.HoldView hold, long credits, EngineResult result,
                                    long latency) {
        if (execution.idempotencyKey == null) {
            return Uni.createFrom().voidItem();
        }
        return owe(execution, hold, Execution.CAPTURE_PENDING, credits, result, latency, null)
                .invoke(() -> execution.status = Execution.CAPTURE_PENDING); // the state the next step locks in
    }

    static String description(FunctionType function, String model) {
        return function.japaneseName() + " (" + model + ")";
    }

    /** Builds the answer from the capture and records the execution as COMPLETED with ExecutionCompleted. */
    Uni<ExecuteResponse> complete(Execution execution, EngineResult result, long credits, HoldApi.CaptureView capture,
                                  long latency, Double engineMs) {
        Cost cost = costs.cost(FunctionType.valueOf(execution.functionType), result.units());
        ExecuteResponse response = new ExecuteResponse(
                new ExecuteResponse.Execution(execution.id.toString(), execution.functionType.toLowerCase(), latency,
                        execution.createdAt, execution.provider, result.model(),
                        new ExecuteResponse.Usage(result.promptTokens(), result.completionTokens()), engineMs),
                new ExecuteResponse.Result(result.output(), result.confidence(), result.alternatives(), result.additionalData()),
                new ExecuteResponse.Credits(credits, capture.available(), capture.costPerCreditYen(), capture.totalCostYen(),
                        new ExecuteResponse.Calculation(cost.baseCost(), cost.complexity(), cost.formula())),
                new ExecuteResponse.Billing(capture.transactionId(), result.units()));
        metrics.counter("ai.executions", "function", execution.functionType, "outcome", "completed").increment();
        metrics.timer("ai.provider.latency", "provider", execution.provider).record(Duration.ofMillis(latency));
        ExecutionStore.Completed done = new ExecutionStore.Completed(execution.id, execution.tenantId, result.model(),
                result.promptTokens(), result.completionTokens(), credits, UUID.fromString(capture.holdId()),
                UUID.fromString(capture.transactionId()), latency, write(response), clock.instant());
        return store.complete(done, execution.status, new ExecutionCompleted(execution.id.toString(),
                        execution.userId, execution.functionType, execution.provider, result.model(), credits, latency,
                        result.promptTokens(), result.completionTokens()))
                .replaceWith(response);
    }

    /**
     * Records a settlement credit-service still owes: the hold, the credits to charge and (for a capture) the
     * result, for the recovery job. A pending release frees the Idempotency-Key at once, as a failure does.
     */
    private Uni<Void> owe(Execution execution, HoldApi.HoldView hold, String status, long credits, EngineResult result,
                          long latency, String code) {
        return store.owe(execution.id, execution.status, status, hold == null ? null : UUID.fromString(hold.holdId()),
                credits, latency, code, result == null ? null : write(result));
    }

    /** Records the failure; nothing was charged, so the key is freed for a retry. */
    private Uni<Void> fail(Execution execution, Throwable cause, long charged, Instant started) {
        return fail(execution, code(cause), charged, Duration.between(started, clock.instant()).toMillis());
    }

    Uni<Void> fail(Execution execution, String code, long charged, long latency) {
        metrics.counter("ai.executions", "function", execution.functionType, "outcome", "failed").increment();
        // Moves on only from the state this copy was read in: someone else (the request or the recovery job on
        // another replica) may have moved it on, and every transition happens once
        return store.fail(execution.id, execution.tenantId, execution.status, code, charged, latency,
                new ExecutionFailed(execution.id.toString(), execution.userId, execution.functionType, code, charged, latency));
    }

    private static String code(Throwable cause) {
        return cause instanceof ApiException api ? api.code() : "PROVIDER_UNAVAILABLE";
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    <T> T read(String stored, Class<T> type) {
        try {
            return json.readValue(stored, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
