package io.hotelcrm.credit.ledger;

import io.hotelcrm.contracts.hold.HoldApi;
import io.hotelcrm.credit.audit.AuditLog;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.platform.inbox.Inbox;
import io.hotelcrm.platform.persistence.Transient;
import io.hotelcrm.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The one place where balances move. Every change of an account — holds, captures, releases, expiry,
 * grants, payments, refunds, plan changes, settings, resets — is a {@link LedgerOp} submitted here.
 *
 * <p>Group commit: ops queue up while a batch is on its way to the database, and the next batch takes
 * them all (up to {@code credit.ledger.max-batch}), in arrival order. A batch is one transaction: lock
 * the accounts and read them fresh ({@link LedgerStore#load}), apply each op in memory
 * ({@link LedgerEngine}), check each account's invariants, write the changes with one statement per
 * table, commit, then answer each caller on its own. One busy hotel's ops thus share one row lock and
 * one commit instead of queueing on the lock one transaction at a time. Batches in flight at once
 * never share a tenant, so they do not wait on each other's locks.
 *
 * <p>Isolation: an op rejected by the rules (402, 409, …) fails alone. An account whose rows break an
 * invariant, or an op that fails unexpectedly, is left out of the batch's writes and its ops are run
 * again one per transaction, so one bad item never stops the others.
 */
@ApplicationScoped
public class Ledger {

    private static final Logger LOG = Logger.getLogger(Ledger.class);
    private static final int HOLD_TENANTS_REMEMBERED = 100_000;

    private final Pool pool;
    private final LedgerStore store;
    private final LedgerEngine engine;
    private final CreditConfig config;
    private final AuditLog audit;
    private final LedgerMetrics metrics;
    private final Clock clock;

    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Set<String> busyTenants = new HashSet<>();
    private int inFlight;
    /** Which tenant a hold belongs to, so that a capture joins its tenant's batch. Guarded by {@link #lock}. */
    private final Map<UUID, String> holdTenants = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, String> eldest) {
            return size() > HOLD_TENANTS_REMEMBERED;
        }
    };

    public Ledger(Pool pool, LedgerStore store, LedgerEngine engine, CreditConfig config, AuditLog audit,
                  LedgerMetrics metrics, Clock clock) {
        this.pool = pool;
        this.store = store;
        this.engine = engine;
        this.config = config;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Applies the op and answers its result (see each op for the type), or fails with the reason. */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> submit(LedgerOp op) {
        String requestId = AuditLog.currentRequestId();
        return Uni.createFrom().<Object>emitter(emitter -> {
            Pending p = new Pending(op, emitter, Vertx.currentContext(), requestId);
            synchronized (lock) {
                p.tenant = tenantOf(op);
                queue.add(p);
            }
            dispatch();
        }).map(result -> (T) result);
    }

    /**
     * A batch job's ops, submitted all at once (the ledger batches them): one that fails is logged with what it was
     * for, counted in {@code credit_ledger_account_failures_total} and skipped, and never stops the others. Answers
     * how many answered {@code true} (changed something).
     */
    public Uni<Integer> submitEach(String job, List<? extends LedgerOp> ops) {
        if (ops.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return io.smallrye.mutiny.Multi.createFrom().iterable(ops)
                .onItem().transformToUni(o -> submit(o)
                        .onFailure().invoke(e -> {
                            metrics.accountFailed(job);
                            LOG.errorf("%s: skipped %s, the others go on: %s", job, describe(o), e.toString());
                        })
                        .onFailure().recoverWithItem(Boolean.FALSE))
                .merge(ops.size())
                .filter(Boolean.TRUE::equals).collect().asList().map(List::size);
    }

    private static String describe(LedgerOp op) {
        if (op instanceof LedgerOp.ExpireHold e) {
            return "hold " + e.holdId() + " of tenant " + e.tenantId();
        }
        return "tenant " + op.tenantId();
    }

    /** Applies an event's effect once: false when the consumer had applied the event before. */
    public Uni<Boolean> submitOnce(LedgerOp op) {
        return submit(op).map(result -> result != Duplicate.INSTANCE);
    }

    /** Answer of an op whose event this consumer had applied before. */
    enum Duplicate { INSTANCE }

    private static final class Pending {
        final LedgerOp op;
        final UniEmitter<Object> emitter;
        final Context context;
        final String requestId;
        String tenant;

        Pending(LedgerOp op, UniEmitter<? super Object> emitter, Context context, String requestId) {
            this.op = op;
            @SuppressWarnings("unchecked")
            UniEmitter<Object> e = (UniEmitter<Object>) emitter;
            this.emitter = e;
            this.context = context;
            this.requestId = requestId;
        }

        void answer(Object result, Throwable failure) {
            Runnable done = failure == null ? () -> emitter.complete(result) : () -> emitter.fail(failure);
            if (context != null) {
                context.runOnContext(v -> done.run()); // back on the caller's own context
            } else {
                done.run();
            }
        }
    }

    private String tenantOf(LedgerOp op) {
        if (op.tenantId() != null) {
            return op.tenantId();
        }
        UUID hold = holdOf(op);
        return hold == null ? null : holdTenants.get(hold);
    }

    /** Starts batches while there is room: queued ops in order, skipping tenants already in flight. */
    private void dispatch() {
        while (true) {
            List<Pending> batch = new ArrayList<>();
            synchronized (lock) {
                if (inFlight >= config.ledger().maxInFlight() || queue.isEmpty()) {
                    return;
                }
                Set<String> skipped = new HashSet<>();
                Set<String> taken = new HashSet<>();
                for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < config.ledger().maxBatch(); ) {
                    Pending p = it.next();
                    String tenant = p.tenant;
                    if (tenant != null && (busyTenants.contains(tenant) || skipped.contains(tenant))) {
                        skipped.add(tenant); // keeps the tenant's ops in arrival order
                        continue;
                    }
                    it.remove();
                    batch.add(p);
                    if (tenant != null) {
                        taken.add(tenant);
                    }
                }
                if (batch.isEmpty()) {
                    return;
                }
                busyTenants.addAll(taken);
                inFlight++;
            }
            run(batch).subscribe().with(v -> finished(batch), e -> {
                LOG.errorf(e, "ledger batch failed unexpectedly");
                finished(batch);
            });
        }
    }

    private void finished(List<Pending> batch) {
        synchronized (lock) {
            inFlight--;
            for (Pending p : batch) {
                if (p.tenant != null) {
                    busyTenants.remove(p.tenant);
                }
            }
        }
        dispatch();
    }

    /** Runs a batch; ops that must be retried alone are, one transaction each, before the batch counts as done. */
    private Uni<Void> run(List<Pending> batch) {
        metrics.batch(batch.size());
        return attempt(batch).chain(retry -> {
            Uni<Void> alone = Uni.createFrom().voidItem();
            for (Pending p : retry) {
                alone = alone.chain(() -> attempt(List.of(p)).invoke(again -> {
                    if (!again.isEmpty()) {
                        throw new IllegalStateException("a single op is never retried");
                    }
                }).replaceWithVoid().onFailure().recoverWithNull().replaceWithVoid());
            }
            return alone;
        });
    }

    /**
     * One transaction for the ops; answers every op that is settled, returns those to retry alone
     * (only when there was more than one op).
     */
    private Uni<List<Pending>> attempt(List<Pending> ops) {
        LedgerContext ctx = new LedgerContext(clock.instant(), config, audit, metrics);
        Map<Pending, Object> results = new LinkedHashMap<>();
        Map<Pending, Throwable> failures = new LinkedHashMap<>();
        List<Pending> retry = new ArrayList<>();
        boolean alone = ops.size() == 1;
        // BEGIN goes out with the loads and COMMIT with the writes (two round trips a batch), so the
        // transaction is ours to end: a failure rolls back before the connection returns to the pool.
        return pool.withConnection(conn -> store.load(conn, ops.stream().map(p -> p.op).toList(), ctx)
                        .chain(loaded -> {
                            Map<AccountWork, RuntimeException> broken = new LinkedHashMap<>();
                            List<Inbox.Mark> marks = new ArrayList<>();
                            Set<UUID> claimed = new HashSet<>(loaded.appliedMarks);
                            for (Pending p : ops) {
                                AccountWork w = loaded.of(p.op);
                                if (w == null && holdOf(p.op) == null) {
                                    // only if the account vanished after this instance saw it: open it next time
                                    store.forgetOpened(p.op.tenantId());
                                    failures.put(p, Transient.unavailable("The credit ledger"));
                                    continue;
                                }
                                if (w == null) {
                                    failures.put(p, ApiException.notFound("Hold " + holdOf(p.op)));
                                    continue;
                                }
                                if (broken.containsKey(w)) {
                                    continue;
                                }
                                if (p.op.mark() != null && !claimed.add(p.op.mark().eventId())) {
                                    results.put(p, Duplicate.INSTANCE);
                                    continue;
                                }
                                ctx.requestId(p.requestId);
                                try {
                                    results.put(p, engine.apply(w, p.op));
                                    if (p.op.mark() != null) {
                                        marks.add(p.op.mark());
                                    }
                                } catch (ApiException rejected) {
                                    failures.put(p, rejected);
                                    if (p.op.mark() != null) {
                                        claimed.remove(p.op.mark().eventId());
                                    }
                                } catch (RuntimeException e) {
                                    broken.put(w, e);
                                }
                            }
                            List<AccountWork> good = new ArrayList<>();
                            for (AccountWork w : loaded.accounts.values()) {
                                if (!broken.containsKey(w)) {
                                    try {
                                        w.checkInvariants();
                                    } catch (LedgerInvariantException e) {
                                        broken.put(w, e);
                                        LOG.error(e.getMessage());
                                        continue;
                                    }
                                    if (w.hasWrites()) {
                                        good.add(w);
                                    }
                                }
                            }
                            // The ops of a broken account wrote nothing: run them again alone, or fail them.
                            for (Pending p : ops) {
                                AccountWork w = loaded.of(p.op);
                                if (w != null && broken.containsKey(w)) {
                                    results.remove(p);
                                    failures.remove(p);
                                    if (alone) {
                                        failures.put(p, broken.get(w));
                                    } else {
                                        retry.add(p);
                                    }
                                    if (p.op.mark() != null) {
                                        marks.remove(p.op.mark());
                                    }
                                }
                            }
                            return store.writeAndCommit(conn, good, marks).replaceWith(loaded);
                        })
                        .onFailure().call(e -> LedgerStore.rollback(conn)))
                .map(loaded -> {
                    results.forEach((p, result) -> {
                        rememberHold(p, result);
                        p.answer(result, null);
                    });
                    failures.forEach((p, failure) -> p.answer(null, failure));
                    return retry;
                })
                .onFailure().recoverWithUni(e -> {
                    if (alone || Transient.isTransient(e)) {
                        Throwable answer = Transient.isTransient(e) ? Transient.unavailable("The credit ledger") : e;
                        if (!Transient.isTransient(e)) {
                            LOG.errorf(e, "ledger op failed: %s", ops.get(0).op);
                        }
                        ops.forEach(p -> p.answer(null, answer));
                        return Uni.createFrom().item(List.of());
                    }
                    LOG.warnf("ledger batch of %d ops failed (%s); each runs again alone", ops.size(), e.toString());
                    return Uni.createFrom().item(ops);
                });
    }

    private void rememberHold(Pending p, Object result) {
        String hold = null;
        if (result instanceof HoldApi.HoldView view) {
            hold = view.holdId();
        } else if (result instanceof HoldApi.CaptureView charged && p.op instanceof LedgerOp.Charge) {
            hold = charged.holdId();
        }
        if (hold != null && p.op.tenantId() != null) {
            synchronized (lock) {
                holdTenants.put(UUID.fromString(hold), p.op.tenantId());
            }
        }
    }

    private static UUID holdOf(LedgerOp op) {
        if (op instanceof LedgerOp.Capture c) {
            return c.holdId();
        }
        if (op instanceof LedgerOp.Release r) {
            return r.holdId();
        }
        return op instanceof LedgerOp.ExpireHold e ? e.holdId() : null;
    }
}
