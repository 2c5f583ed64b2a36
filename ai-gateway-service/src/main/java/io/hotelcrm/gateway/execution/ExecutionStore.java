package io.hotelcrm.gateway.execution;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.platform.outbox.Outbox;
import io.hotelcrm.platform.persistence.Transient;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The two writes every execution makes, each one SQL statement on the reactive client: the RUNNING row
 * before anything is reserved, and COMPLETED together with its ExecutionCompleted in the outbox. One
 * statement is one round trip and atomic on its own, where a Hibernate transaction takes five (BEGIN, the
 * row lock, UPDATE, the outbox INSERT, COMMIT) on the path every request takes. The rarer transitions
 * (failures, settlements owed, recovery) stay on Panache ({@link ExecutionService}).
 */
@ApplicationScoped
class ExecutionStore {

    private static final String INSERT_RUNNING = """
            insert into ai_executions (id, tenant_id, user_id, function_type, status, idempotency_key, request_hash,
                provider, model, reserved_credits, hold_timeout_seconds, created_at)
            values ($1, $2, $3, $4, 'RUNNING', $5, $6, $7, $8, $9, $10, $11)""";

    /** Moves the row on only from the state the caller saw, and writes the event only if it did. */
    private static final String COMPLETE = """
            with done as (
                update ai_executions set status = 'COMPLETED', model = $3, prompt_tokens = $4, completion_tokens = $5,
                    credits = $6, hold_id = $7, transaction_id = $8, latency_ms = $9, response = $10::text::jsonb,
                    completed_at = $11
                where id = $1 and status = $2
                returning id)
            """ + Outbox.insertSelect(12, "done");

    private final Pool pool;
    private final Clock clock;
    private final Duration timeout;

    ExecutionStore(Pool pool, Clock clock, GatewayConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.timeout = config.databaseTimeout();
    }

    Uni<Void> insertRunning(Execution e) {
        return Transient.bounded(pool.preparedQuery(INSERT_RUNNING).execute(Tuple.from(new Object[] {
                e.id, e.tenantId, e.userId, e.functionType, e.idempotencyKey, e.requestHash, e.provider, e.model,
                e.reservedCredits, e.holdTimeoutSeconds, utc(e.createdAt)})).replaceWithVoid(), timeout);
    }

    /** What a completed execution records: its result, what it cost and the answer its key replays. */
    record Completed(UUID id, String tenantId, String model, long promptTokens, long completionTokens, long credits,
                     UUID holdId, UUID transactionId, long latencyMs, String response, Instant at) {
    }

    /** The row moves to COMPLETED if it is still in {@code from}, with its event; otherwise neither is written. */
    Uni<Void> complete(Completed c, String from, Object event) {
        Tuple outbox = Outbox.row(EventEnvelope.wrap(EventType.ExecutionCompleted, c.tenantId(), clock.instant(), event));
        Object[] values = {c.id(), from, c.model(), c.promptTokens(), c.completionTokens(), c.credits(), c.holdId(),
                c.transactionId(), c.latencyMs(), c.response(), utc(c.at()), outbox.getValue(0), outbox.getValue(1),
                outbox.getValue(2), outbox.getValue(3), outbox.getValue(4), outbox.getValue(5)};
        return Transient.bounded(pool.preparedQuery(COMPLETE).execute(Tuple.from(values)).replaceWithVoid(), timeout);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
