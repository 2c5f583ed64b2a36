package io.hotelcrm.gateway.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.contracts.gateway.ExecutionCompleted;
import io.hotelcrm.contracts.gateway.ExecutionFailed;
import io.hotelcrm.gateway.anomaly.AnomalyDetector;
import io.hotelcrm.gateway.credit.CreditClient;
import io.hotelcrm.gateway.credit.CreditLedger;
import io.hotelcrm.gateway.execution.CostPolicy.Cost;
import io.hotelcrm.gateway.function.GatewayConfig;
import io.hotelcrm.gateway.limits.RateLimiter;
import io.hotelcrm.gateway.provider.AiEngine;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.gateway.provider.EngineResult;
import io.hotelcrm.gateway.provider.EngineRouter;
import io.hotelcrm.gateway.provider.ProviderRateLimitedException;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.hotelcrm.platform.outbox.Outbox;
import io.hotelcrm.platform.persistence.Constraints;
import io.hotelcrm.platform.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The execute pipeline (issue 4): sanitise → rate limits → anomaly score (403 above the blocking
 * threshold) → reserve the worst case at credit-service →
 * run → capture the actual cost (≤ the hold) or release. A retry with the same Idempotency-Key is
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
    private final Outbox outbox;
    private final GatewayConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry metrics;

    public ExecutionService(InputSanitizer sanitizer, RateLimiter limiter, AnomalyDetector anomaly, EngineRouter engines,
                            CostPolicy costs,
                            CreditLedger ledger, Outbox outbox, GatewayConfig config, ObjectMapper json, Clock clock,
                            MeterRegistry metrics) {
        this.sanitizer = sanitizer;
        this.limiter = limiter;
        this.anomaly = anomaly;
        this.engines = engines;
        this.costs = costs;
        this.ledger = ledger;
        this.outbox = outbox;
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
        return replay(tenant, idempotencyKey, hash)
                .onItem().ifNull().switchTo(() -> limiter.acquire(tenant, user, function)
                        .chain(() -> anomaly.assess(tenant, user, clean))
                        .chain(() -> start(tenant, user, function, idempotencyKey, hash, engine, clean))
                        .chain(execution -> run(execution, clean, engine, function)));
    }

    private Uni<ExecuteResponse> replay(String tenant, String key, String hash) {
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return Panache.withSession(() -> Execution.<Execution>find("tenantId = ?1 and idempotencyKey = ?2", tenant, key)
                .firstResult()).map(found -> {
            if (found == null) {
                return null;
            }
            if (!hash.equals(found.requestHash)) {
                throw ApiException.idempotencyConflict(key);
            }
            if (!"COMPLETED".equals(found.status)) {
                throw ApiException.conflict("EXECUTION_IN_PROGRESS", "An execution with this Idempotency-Key is still running");
            }
            return read(found.response);
        });
    }

    private Uni<Execution> start(String tenant, String user, FunctionType function, String key, String hash,
                                 AiEngine engine, EngineRequest clean) {
        Execution e = new Execution();
        e.id = UUID.randomUUID();
        e.tenantId = tenant;
        e.userId = user;
        e.functionType = function.name();
        e.status = "RUNNING";
        e.idempotencyKey = key;
        e.requestHash = hash;
        e.provider = engine.provider();
        e.model = clean.model();
        e.createdAt = clock.instant();
        return Panache.withTransaction(() -> e.persist().replaceWith(e))
                .onFailure(t -> key != null && Constraints.isUniqueViolation(t))
                .transform(t -> ApiException.conflict("EXECUTION_IN_PROGRESS",
                        "An execution with this Idempotency-Key is already running"));
    }

    private Uni<ExecuteResponse> run(Execution execution, EngineRequest clean, AiEngine engine, FunctionType function) {
        Cost worst = costs.worstCase(function, clean.promptChars(), clean.maxTokens(), InputSanitizer.rows(clean.options()));
        Instant started = clock.instant();
        return ledger.reserve(execution.tenantId, execution.userId, function, worst.credits(), execution.id.toString(),
                        config.holdTimeoutSeconds())
                .onFailure().call(e -> fail(execution, e, 0, started))
                // deferred: an engine that throws instead of failing its Uni must still release the hold
                .chain(hold -> Uni.createFrom().deferred(() -> engine.run(clean))
                        .onFailure().call(e -> settleFailure(execution, hold, e, function, started))
                        .chain(result -> charge(execution, hold, result, function, started)));
    }

    /**
     * A failed run costs nothing, except a provider rate limit: the request reached the provider, so the
     * configured minimal charge (the guide's 1 credit) is captured and the rest released.
     */
    private Uni<Void> settleFailure(Execution execution, CreditClient.Hold hold, Throwable cause, FunctionType function,
                                    Instant started) {
        if (cause instanceof ProviderRateLimitedException) {
            long minimal = Math.min(config.providerRateLimitCharge(), hold.amount());
            long latency = Duration.between(started, clock.instant()).toMillis();
            return ledger.capture(hold.holdId(), minimal, execution.id + ":capture", latency,
                            function.japaneseName() + " (AIプロバイダーの利用制限: 最低料金)")
                    .map(capture -> minimal)
                    .onFailure().recoverWithItem(0L) // not captured: the hold expires and nothing is charged
                    .chain(charged -> fail(execution, cause, charged, started));
        }
        return ledger.release(hold.holdId(), execution.id + ":release")
                .onFailure().recoverWithNull()
                .chain(() -> fail(execution, cause, 0, started));
    }

    private Uni<ExecuteResponse> charge(Execution execution, CreditClient.Hold hold, EngineResult result,
                                        FunctionType function, Instant started) {
        Cost actual = costs.cost(function, result.units());
        long credits = Math.min(actual.credits(), hold.amount()); // never above what was reserved
        long latency = Duration.between(started, clock.instant()).toMillis();
        return ledger.capture(hold.holdId(), credits, execution.id + ":capture", latency,
                        function.japaneseName() + " (" + result.model() + ")")
                .chain(capture -> complete(execution, result, actual, credits, capture, latency));
    }

    private Uni<ExecuteResponse> complete(Execution execution, EngineResult result, Cost cost, long credits,
                                          CreditClient.Capture capture, long latency) {
        ExecuteResponse response = new ExecuteResponse(
                new ExecuteResponse.Execution(execution.id.toString(), execution.functionType.toLowerCase(), latency,
                        execution.createdAt, execution.provider, result.model(),
                        new ExecuteResponse.Usage(result.promptTokens(), result.completionTokens())),
                new ExecuteResponse.Result(result.output(), result.confidence(), result.alternatives(), result.additionalData()),
                new ExecuteResponse.Credits(credits, capture.available(), capture.costPerCreditYen(), capture.totalCostYen(),
                        new ExecuteResponse.Calculation(cost.baseCost(), cost.complexity(), cost.formula())),
                new ExecuteResponse.Billing(capture.transactionId(), result.units()));
        metrics.counter("ai.executions", "function", execution.functionType, "outcome", "completed").increment();
        metrics.timer("ai.provider.latency", "provider", execution.provider).record(Duration.ofMillis(latency));
        return Panache.withTransaction(() -> Execution.<Execution>findById(execution.id).chain(e -> {
            e.status = "COMPLETED";
            e.model = result.model();
            e.promptTokens = result.promptTokens();
            e.completionTokens = result.completionTokens();
            e.credits = credits;
            e.holdId = UUID.fromString(capture.holdId());
            e.transactionId = UUID.fromString(capture.transactionId());
            e.latencyMs = latency;
            e.response = write(response);
            e.completedAt = clock.instant();
            return outbox.publish(EventType.ExecutionCompleted, e.tenantId, new ExecutionCompleted(e.id.toString(),
                    e.userId, e.functionType, e.provider, e.model, credits, latency, e.promptTokens, e.completionTokens));
        })).replaceWith(response);
    }

    /** Records the failure; nothing was charged, so the key is freed for a retry. */
    private Uni<Void> fail(Execution execution, Throwable cause, long charged, Instant started) {
        String code = cause instanceof ApiException api ? api.code() : "PROVIDER_UNAVAILABLE";
        long latency = Duration.between(started, clock.instant()).toMillis();
        metrics.counter("ai.executions", "function", execution.functionType, "outcome", "failed").increment();
        return Panache.withTransaction(() -> Execution.<Execution>findById(execution.id).chain(e -> {
            e.status = "FAILED";
            e.errorCode = code;
            e.latencyMs = latency;
            e.idempotencyKey = null;
            e.completedAt = clock.instant();
            return outbox.publish(EventType.ExecutionFailed, e.tenantId, new ExecutionFailed(e.id.toString(), e.userId,
                    e.functionType, code, charged, latency));
        })).replaceWithVoid();
    }

    private String write(ExecuteResponse response) {
        try {
            return json.writeValueAsString(response);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ExecuteResponse read(String stored) {
        try {
            return json.readValue(stored, ExecuteResponse.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
