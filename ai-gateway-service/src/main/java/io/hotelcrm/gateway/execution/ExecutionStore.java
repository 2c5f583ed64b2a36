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
 * Every read and write of the execute path, each one SQL statement on the reactive client: the replay of a
 * key, the RUNNING row before anything is reserved, COMPLETED or FAILED together with its event in the outbox,
 * and a settlement owed. One statement is one round trip and atomic on its own, where a Hibernate transaction
 * takes five (BEGIN, the row lock, UPDATE, the outbox INSERT, COMMIT); and a statement bounded by the database
 * timeout can be given up safely (the pool gets its connection back when the answer comes), where cancelling a
 * Hibernate Reactive session mid-transaction is not (HR000090 "Live transaction detected", seen under overload in
 * the 2026-12-02 and 2026-12-03 benchmarks). Each transition moves the row on only from the state the caller saw,
 * so the request and the recovery job (on any replica) make it once. The recovery job's scan stays on Panache.
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

    /** Moves the row to FAILED only from the state the caller saw (the key freed for a retry), with its event. */
    private static final String FAIL = """
            with done as (
                update ai_executions set status = 'FAILED', error_code = $3, credits = $4, latency_ms = $5,
                    idempotency_key = null, completed_at = $6
                where id = $1 and status = $2
                returning id)
            """ + Outbox.insertSelect(7, "done");

    /** A settlement credit-service still owes; a pending release frees the key at once, as a failure does. */
    private static final String OWE = """
            update ai_executions set status = $3, hold_id = $4, credits = $5, latency_ms = $6, error_code = $7,
                response = $8::text::jsonb,
                idempotency_key = case when $3 = 'RELEASE_PENDING' then null else idempotency_key end
            where id = $1 and status = $2""";

    private static final String BY_KEY = """
            select status, request_hash, response::text from ai_executions
            where tenant_id = $1 and idempotency_key = $2 limit 1""";

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

    /** The execution that holds a tenant's Idempotency-Key, if any: its state, request hash and stored answer. */
    record Keyed(String status, String requestHash, String response) {
    }

    Uni<Keyed> byKey(String tenant, String key) {
        return Transient.bounded(pool.preparedQuery(BY_KEY).execute(Tuple.of(tenant, key)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return null;
            }
            var row = it.next();
            return new Keyed(row.getString(0), row.getString(1), row.getString(2));
        }), timeout);
    }

    /** The row moves to FAILED if it is still in {@code from}, with its event; otherwise neither is written. */
    Uni<Void> fail(UUID id, String tenantId, String from, String code, long charged, long latencyMs, Object event) {
        Tuple outbox = Outbox.row(EventEnvelope.wrap(EventType.ExecutionFailed, tenantId, clock.instant(), event));
        Object[] values = {id, from, code, charged, latencyMs, utc(clock.instant()), outbox.getValue(0),
                outbox.getValue(1), outbox.getValue(2), outbox.getValue(3), outbox.getValue(4), outbox.getValue(5)};
        return Transient.bounded(pool.preparedQuery(FAIL).execute(Tuple.from(values)).replaceWithVoid(), timeout);
    }

    /** Records what credit-service still owes the row (if it is still in {@code from}) for the recovery job. */
    Uni<Void> owe(UUID id, String from, String status, UUID holdId, long credits, long latencyMs, String code,
                  String response) {
        Object[] values = {id, from, status, holdId, credits, latencyMs, code, response};
        return Transient.bounded(pool.preparedQuery(OWE).execute(Tuple.from(values)).replaceWithVoid(), timeout);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
