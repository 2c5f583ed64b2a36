package io.hotelcrm.credit.ledger;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.credit.account.AutoPurchaseMode;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.account.LowBalanceLevel;
import io.hotelcrm.credit.audit.SystemEvent;
import io.hotelcrm.credit.grant.CreditGrant;
import io.hotelcrm.credit.grant.GrantSource;
import io.hotelcrm.credit.hold.CreditHold;
import io.hotelcrm.credit.hold.HoldStatus;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.credit.plan.PlanType;
import io.hotelcrm.credit.reset.MonthlyReset;
import io.hotelcrm.credit.reset.ResetRules;
import io.hotelcrm.platform.inbox.Inbox;
import io.hotelcrm.platform.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SQL of a ledger batch, on the reactive PostgreSQL client (not Hibernate: the hot path is a
 * handful of pipelined statements per batch, whatever the number of ops in it; see
 * docs/design-decisions.md, "Ledger core"). {@link #load} locks the accounts and then reads their holds
 * and grants fresh; {@link #write} writes what the ops changed, one statement per table.
 *
 * <p>Only the account rows are locked: holds, grants and entries are written by this class alone, always
 * under their account's lock, so the account lock guards them and a read after it sees every committed
 * change. Locking them as well would cost a WAL record per row and batch for nothing.
 */
@ApplicationScoped
public class LedgerStore {

    private static final String AUTO_PURCHASE_COLUMNS = "auto_purchase_mode, auto_purchase_target, "
            + "auto_purchase_package_credits, auto_purchase_package_yen, auto_purchase_cap_credits, auto_purchase_cap_yen, "
            + "auto_purchase_month, auto_purchase_month_credits, auto_purchase_month_yen, auto_purchase_cap_notified, "
            + "auto_purchase_request, auto_purchase_requested_at, auto_purchase_failures, auto_purchase_last_failure";
    private static final String ACCOUNT_COLUMNS = "id, tenant_id, plan_type, monthly_free_credits, time_zone, "
            + "current_balance, held_credits, owed_credits, total_purchased, total_used, auto_purchase_enabled, "
            + "auto_purchase_threshold, auto_purchase_amount, auto_purchase_package_id, low_balance_level, "
            + "auto_purchase_armed, auto_purchase_request_id, pending_plan_type, reset_month, created_at, updated_at, "
            + AUTO_PURCHASE_COLUMNS;

    /**
     * Accounts the batch names by tenant or through a hold ($1 tenants, $2 hold ids), as {@code = any(array(…))}:
     * the array is computed once (an InitPlan) and every statement below then looks its rows up by index. The
     * {@code in (select … union select …)} it replaces was planned, generically, as a hash join over a sequential
     * scan: the reserve's lookup by key read every hold ever made (0.63 ms at 5,000 holds against 0.08 ms, growing
     * with the table; pgbench with the statement's generic plan, 2026-12-04).
     */
    private static final String BATCH_ACCOUNTS = "any(array(select id from ai_credit_accounts where tenant_id = any($1) "
            + "union all select account_id from credit_holds where id = any($2)))";

    private static final String OPEN_ACCOUNTS = "insert into ai_credit_accounts (id, tenant_id, plan_type, "
            + "monthly_free_credits, time_zone, auto_purchase_threshold, auto_purchase_amount, created_at, updated_at) "
            + "select gen_random_uuid(), t, $2, $3, $4, 50, 500, $5, $5 from unnest($1::varchar[]) t order by t "
            + "on conflict (tenant_id) do nothing";
    private static final String LOCK_ACCOUNTS = "select " + ACCOUNT_COLUMNS + " from ai_credit_accounts where id = "
            + BATCH_ACCOUNTS + " order by id for update";
    /** The holds ops name by id, and those under the reserves' keys; as one array of ids so both use an index. */
    private static final String HOLDS = "select * from credit_holds where id = any(array(select id from credit_holds "
            + "where id = any($2) union all select id from credit_holds where account_id = " + BATCH_ACCOUNTS
            + " and idempotency_key = any($3)))";
    private static final String LIVE_GRANTS = "select id, account_id, source, original_credits, remaining_credits, "
            + "priority, expires_at, reference, created_at from credit_grants where account_id = " + BATCH_ACCOUNTS
            + " and remaining_credits > 0";
    private static final String PENDING_HELD = "select account_id, sum(amount) from credit_holds where account_id = "
            + BATCH_ACCOUNTS + " and status = 'PENDING' group by account_id";
    private static final String APPLIED_MARKS = "select event_id from processed_event where consumer = any($1) "
            + "and event_id = any($2)";
    private static final String ENTRIES_BY_KEY = "select id, account_id, transaction_type, credits_amount, "
            + "balance_after, grant_id, idempotency_key, request_hash, created_at from ai_credit_transactions "
            + "where account_id = any($1) and idempotency_key = any($2)";
    /** What earlier reversals gave back of each source the batch's reversals name. */
    private static final String REVERSED = "select account_id, reverses_key, sum(credits_amount)::bigint from ai_credit_transactions "
            + "where account_id = any($1) and reverses_key = any($2) group by account_id, reverses_key";
    /** Owed credits still owed (accounts that owe any) and those under the keys refunds and reversals name. */
    private static final String OWED = "select account_id, source_key, payment_id, credits, settled, cancelled, created_at "
            + "from owed_credit where account_id = any($1) and (settled + cancelled < credits or source_key = any($2)) "
            + "order by created_at, source_key";
    private static final String INSERT_OWED = "insert into owed_credit (account_id, source_key, payment_id, credits, "
            + "settled, cancelled, created_at) values ($1, $2, $3, $4, $5, $6, $7)";
    private static final String UPDATE_OWED = "update owed_credit set settled = $3, cancelled = $4 "
            + "where account_id = $1 and source_key = $2";
    private static final String CAPTURE_BALANCES = "select id, balance_after from ai_credit_transactions where id = any($1)";
    private static final String MONTH_USAGE = "select account_id, function_type, sum(credits) from daily_usage "
            + "where account_id = any($1) and usage_date between $2 and $3 group by account_id, function_type "
            + "order by account_id, 3 desc, function_type";

    private static final String UPDATE_ACCOUNT = "update ai_credit_accounts set plan_type = $2, monthly_free_credits = $3, "
            + "current_balance = $4, held_credits = $5, total_purchased = $6, total_used = $7, auto_purchase_enabled = $8, "
            + "auto_purchase_threshold = $9, auto_purchase_amount = $10, auto_purchase_package_id = $11, "
            + "low_balance_level = $12, auto_purchase_armed = $13, auto_purchase_request_id = $14, pending_plan_type = $15, "
            + "reset_month = $16, updated_at = $17, owed_credits = $18, auto_purchase_mode = $19, auto_purchase_target = $20, "
            + "auto_purchase_package_credits = $21, auto_purchase_package_yen = $22, auto_purchase_cap_credits = $23, "
            + "auto_purchase_cap_yen = $24, auto_purchase_month = $25, auto_purchase_month_credits = $26, "
            + "auto_purchase_month_yen = $27, auto_purchase_cap_notified = $28, auto_purchase_request = $29, "
            + "auto_purchase_requested_at = $30, auto_purchase_failures = $31, auto_purchase_last_failure = $32 where id = $1";
    private static final String INSERT_GRANT = "insert into credit_grants (id, account_id, source, original_credits, "
            + "remaining_credits, priority, expires_at, reference, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    private static final String UPDATE_GRANT = "update credit_grants set remaining_credits = $2 where id = $1";
    /** A hold made and resolved in the same batch (a charge) goes in resolved: one row written, not two. */
    private static final String INSERT_HOLD = "insert into credit_holds (id, account_id, amount, status, function_type, "
            + "user_id, idempotency_key, request_hash, expires_at, created_at, available_after, resolved_at, "
            + "captured_amount, capture_transaction_id, resolve_key, resolve_hash, resolve_available_after) "
            + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";
    private static final String UPDATE_HOLD = "update credit_holds set status = $2, resolved_at = $3, captured_amount = $4, "
            + "capture_transaction_id = $5, resolve_key = $6, resolve_hash = $7, resolve_available_after = $8 where id = $1";
    private static final String INSERT_ENTRY = "insert into ai_credit_transactions (id, account_id, transaction_type, "
            + "credits_amount, balance_after, ai_function_type, ai_function_params, execution_time_ms, cost_per_credit, "
            + "total_cost_yen, user_id, description, reference_id, grant_id, idempotency_key, request_hash, created_at, paid_from, "
            + "reverses_key) values ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9::text::numeric, $10, $11, $12, $13, $14, "
            + "$15, $16, $17, $18, $19)";
    private static final String INSERT_AUDIT = "insert into system_events (id, tenant_id, user_id, event_type, source_system, "
            + "entity_type, entity_id, action, event_data, before_data, after_data, request_id, occurred_at) values "
            + "($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10::text::jsonb, $11::text::jsonb, $12, $13)";
    private static final String UPSERT_USAGE = "insert into daily_usage (account_id, usage_date, function_type, credits, "
            + "executions, releases, execution_ms) values ($1, $2, $3, $4, $5, $6, $7) "
            + "on conflict (account_id, usage_date, function_type) do update set "
            + "credits = daily_usage.credits + excluded.credits, executions = daily_usage.executions + excluded.executions, "
            + "releases = daily_usage.releases + excluded.releases, execution_ms = daily_usage.execution_ms + excluded.execution_ms";
    private static final String INSERT_RESET = "insert into monthly_credit_resets (id, account_id, reset_month, reset_date, "
            + "previous_balance, free_credits_added, carried_over, last_month_usage, most_used_function, efficiency_score, "
            + "created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::numeric, $11)";
    /**
     * The batch's statements take arrays, whose length a custom plan knows, so PostgreSQL estimates each
     * custom plan cheaper than the generic one and plans again on every execution (0.4–0.9 ms per
     * statement, measured; a third of the database's CPU per reserve + capture). The generic plans use the
     * same indexes (once the tables have statistics), so the ledger's transactions take them.
     */
    private static final String BEGIN = "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan";

    private static final int OPENED_REMEMBERED = 100_000;

    private final CreditConfig config;
    private final Map<String, Boolean> opened = new ConcurrentHashMap<>();

    public LedgerStore(CreditConfig config) {
        this.config = config;
    }

    /** The accounts of a batch, locked and read fresh, and which op belongs to which. */
    public static final class Loaded {
        final Map<UUID, AccountWork> accounts = new LinkedHashMap<>();
        final Map<String, AccountWork> byTenant = new HashMap<>();
        final Map<UUID, AccountWork> byHold = new HashMap<>();
        final Set<UUID> appliedMarks = new HashSet<>();

        AccountWork of(LedgerOp op) {
            if (op instanceof LedgerOp.Capture c) {
                return byHold.get(c.holdId());
            }
            if (op instanceof LedgerOp.Release r) {
                return byHold.get(r.holdId());
            }
            if (op instanceof LedgerOp.ExpireHold e) {
                return byHold.get(e.holdId());
            }
            return byTenant.get(op.tenantId());
        }
    }

    Uni<Loaded> load(SqlConnection conn, List<LedgerOp> ops, LedgerContext ctx) {
        Set<String> tenantSet = new TreeSet<>(); // sorted: concurrent openings insert in one order
        Set<UUID> holdSet = new HashSet<>();
        Set<String> holdKeys = new HashSet<>();
        Set<String> entryKeys = new HashSet<>();
        Set<String> owedKeys = new HashSet<>();
        Set<String> reversedKeys = new HashSet<>();
        Set<String> consumers = new HashSet<>();
        Set<UUID> marks = new HashSet<>();
        for (LedgerOp op : ops) {
            if (op.tenantId() != null && !(op instanceof LedgerOp.ExpireHold)) {
                tenantSet.add(op.tenantId());
            }
            if (op instanceof LedgerOp.Capture c) {
                holdSet.add(c.holdId());
            } else if (op instanceof LedgerOp.Release r) {
                holdSet.add(r.holdId());
            } else if (op instanceof LedgerOp.ExpireHold e) {
                holdSet.add(e.holdId());
            } else if (op instanceof LedgerOp.Reserve r) {
                holdKeys.add(r.idempotencyKey());
            } else if (op instanceof LedgerOp.Charge c) {
                holdKeys.add(c.reserve().idempotencyKey());
            } else if (op instanceof LedgerOp.Grant g) {
                entryKeys.add(g.idempotencyKey());
            } else if (op instanceof LedgerOp.Refund r) {
                entryKeys.add(r.idempotencyKey());
                owedKeys.add(r.idempotencyKey());
            } else if (op instanceof LedgerOp.Reverse r) {
                entryKeys.add(r.idempotencyKey());
                entryKeys.add(r.sourceKey());
                owedKeys.add(r.sourceKey());
                reversedKeys.add(r.sourceKey());
            }
            if (op.mark() != null) {
                consumers.add(op.mark().consumer());
                marks.add(op.mark().eventId());
            }
        }
        String[] tenants = tenantSet.toArray(String[]::new);
        UUID[] holdIds = holdSet.toArray(UUID[]::new);
        Tuple batch = Tuple.of(tenants, holdIds);
        CreditConfig.Plan plan = config.plan(config.defaultPlan());
        String[] unopened = unopened(tenants);
        Uni<RowSet<Row>> open = unopened.length == 0 ? Uni.createFrom().nullItem()
                : conn.preparedQuery(OPEN_ACCOUNTS).execute(Tuple.of(unopened, config.defaultPlan().name(),
                        plan.monthlyFreeCredits(), config.defaultTimeZone().getId(), utc(ctx.now())));
        // The transaction's BEGIN and these reads are sent back to back on one connection (pipelined: one
        // round trip) and executed in this order: the account locks first, then the reads they guard; the
        // mark check runs after the account lock, so a replica applying the same event at the same time is
        // seen once it commits.
        Uni<RowSet<Row>> accounts = conn.preparedQuery(LOCK_ACCOUNTS).execute(batch);
        Uni<RowSet<Row>> holds = conn.preparedQuery(HOLDS).execute(Tuple.of(tenants, holdIds,
                holdKeys.toArray(String[]::new)));
        Uni<RowSet<Row>> grants = conn.preparedQuery(LIVE_GRANTS).execute(batch);
        Uni<RowSet<Row>> pending = conn.preparedQuery(PENDING_HELD).execute(batch);
        Uni<RowSet<Row>> applied = marks.isEmpty() ? Uni.createFrom().nullItem()
                : conn.preparedQuery(APPLIED_MARKS).execute(Tuple.of(consumers.toArray(String[]::new),
                        marks.toArray(UUID[]::new)));
        Uni<RowSet<Row>> begin = conn.query(BEGIN).execute();
        return Uni.combine().all().unis(begin, open, accounts, holds, grants, pending, applied).asTuple()
                .map(rows -> assemble(ctx, rows.getItem3(), rows.getItem4(), rows.getItem5(), rows.getItem6(),
                        rows.getItem7(), holdKeys))
                .call(loaded -> loadEntries(conn, loaded, entryKeys, owedKeys, ops))
                .call(loaded -> loadReversed(conn, loaded, reversedKeys))
                .call(loaded -> loadMonthUsage(conn, loaded, ctx));
    }

    /**
     * Tenants whose account this instance has not seen yet. Accounts are never deleted, so a tenant seen
     * once needs no opening statement again (one statement less for most batches with a reserve).
     */
    private String[] unopened(String[] tenants) {
        return Arrays.stream(tenants).filter(t -> !opened.containsKey(t)).toArray(String[]::new);
    }

    /** Forgets a tenant whose account was not found after all, so the next batch opens it. */
    void forgetOpened(String tenant) {
        opened.remove(tenant);
    }

    private void rememberOpened(String tenant) {
        if (opened.size() >= OPENED_REMEMBERED) {
            opened.clear(); // a bounded memory: forgetting only costs an opening statement
        }
        opened.put(tenant, Boolean.TRUE);
    }

    private Loaded assemble(LedgerContext ctx, RowSet<Row> accounts, RowSet<Row> holds, RowSet<Row> grants,
                            RowSet<Row> pending, RowSet<Row> applied, Set<String> holdKeys) {
        Loaded loaded = new Loaded();
        for (Row row : accounts) {
            AccountWork w = new AccountWork(account(row), ctx);
            loaded.accounts.put(w.account.id, w);
            loaded.byTenant.put(w.account.tenantId, w);
            rememberOpened(w.account.tenantId);
        }
        for (Row row : holds) {
            CreditHold hold = hold(row);
            AccountWork w = loaded.accounts.get(hold.accountId);
            if (w == null) {
                continue;
            }
            w.holdsById.put(hold.id, hold);
            if (holdKeys.contains(hold.idempotencyKey)) {
                w.holdsByKey.put(hold.idempotencyKey, hold);
            }
            loaded.byHold.put(hold.id, w);
        }
        for (Row row : grants) {
            AccountWork w = loaded.accounts.get(row.getUUID("account_id"));
            if (w != null) {
                w.grants.add(grant(row));
            }
        }
        for (AccountWork w : loaded.accounts.values()) {
            w.grants.sort(AccountWork.BURN_ORDER);
        }
        for (Row row : pending) {
            AccountWork w = loaded.accounts.get(row.getUUID(0));
            if (w != null) {
                w.pendingHeld = row.getLong(1);
            }
        }
        if (applied != null) {
            for (Row row : applied) {
                loaded.appliedMarks.add(row.getUUID(0));
            }
        }
        return loaded;
    }

    /** What earlier reversals gave back of each source a reversal of the batch names (see GrantRules.reverse). */
    private Uni<Void> loadReversed(SqlConnection conn, Loaded loaded, Set<String> reversedKeys) {
        if (reversedKeys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery(REVERSED).execute(Tuple.of(loaded.accounts.keySet().toArray(UUID[]::new),
                reversedKeys.toArray(String[]::new))).invoke(rows -> {
                    for (Row row : rows) {
                        AccountWork w = loaded.accounts.get(row.getUUID(0));
                        if (w != null) {
                            w.givenBack.put(row.getString(1), row.getLong(2));
                        }
                    }
                }).replaceWithVoid();
    }

    /** Entries under the keys of grants and refunds (replays), and the capture entries of captured holds. */
    private Uni<Void> loadEntries(SqlConnection conn, Loaded loaded, Set<String> entryKeys, Set<String> owedKeys,
                                  List<LedgerOp> ops) {
        List<UUID> captureTx = new ArrayList<>();
        for (LedgerOp op : ops) {
            CreditHold hold = null;
            if (op instanceof LedgerOp.Capture c) {
                AccountWork w = loaded.byHold.get(c.holdId());
                hold = w == null ? null : w.holdsById.get(c.holdId());
            } else if (op instanceof LedgerOp.Charge c) { // a replay answers its capture
                AccountWork w = loaded.byTenant.get(c.tenantId());
                hold = w == null ? null : w.holdsByKey.get(c.reserve().idempotencyKey());
            }
            if (hold != null && hold.captureTransactionId != null) {
                captureTx.add(hold.captureTransactionId);
            }
        }
        UUID[] ids = loaded.accounts.keySet().toArray(UUID[]::new);
        Uni<RowSet<Row>> byKey = entryKeys.isEmpty() ? Uni.createFrom().nullItem()
                : conn.preparedQuery(ENTRIES_BY_KEY).execute(Tuple.of(ids, entryKeys.toArray(String[]::new)));
        Uni<RowSet<Row>> captures = captureTx.isEmpty() ? Uni.createFrom().nullItem()
                : conn.preparedQuery(CAPTURE_BALANCES).execute(Tuple.of(captureTx.toArray(UUID[]::new)));
        // Owed rows only for accounts that owe something or ops that name a refund: the hot path reads none.
        boolean owes = !owedKeys.isEmpty() || loaded.accounts.values().stream().anyMatch(w -> w.account.owedCredits > 0);
        Uni<RowSet<Row>> owed = !owes ? Uni.createFrom().nullItem()
                : conn.preparedQuery(OWED).execute(Tuple.of(ids, owedKeys.toArray(String[]::new)));
        return Uni.combine().all().unis(byKey, captures, owed).asTuple().invoke(rows -> {
            if (rows.getItem3() != null) {
                for (Row row : rows.getItem3()) { // oldest first
                    AccountWork w = loaded.accounts.get(row.getUUID("account_id"));
                    if (w == null) {
                        continue;
                    }
                    OwedCredit o = new OwedCredit();
                    o.accountId = w.account.id;
                    o.sourceKey = row.getString("source_key");
                    o.paymentId = row.getString("payment_id");
                    o.credits = row.getLong("credits");
                    o.settled = row.getLong("settled");
                    o.cancelled = row.getLong("cancelled");
                    o.createdAt = instant(row.getOffsetDateTime("created_at"));
                    w.owedByKey.put(o.sourceKey, o);
                    if (o.remaining() > 0) {
                        w.owed.add(o);
                    }
                }
            }
            if (rows.getItem1() != null) {
                for (Row row : rows.getItem1()) {
                    AccountWork w = loaded.accounts.get(row.getUUID("account_id"));
                    LedgerTransaction tx = new LedgerTransaction();
                    tx.id = row.getUUID("id");
                    tx.accountId = w.account.id;
                    tx.type = TransactionType.valueOf(row.getString("transaction_type"));
                    tx.creditsAmount = row.getLong("credits_amount");
                    tx.balanceAfter = row.getLong("balance_after");
                    tx.grantId = row.getUUID("grant_id");
                    tx.idempotencyKey = row.getString("idempotency_key");
                    tx.requestHash = row.getString("request_hash");
                    tx.createdAt = instant(row.getOffsetDateTime("created_at"));
                    w.entriesByKey.put(tx.idempotencyKey, tx);
                }
            }
            if (rows.getItem2() != null) {
                Map<UUID, Long> balances = new HashMap<>();
                for (Row row : rows.getItem2()) {
                    balances.put(row.getUUID(0), row.getLong(1));
                }
                for (AccountWork w : loaded.accounts.values()) {
                    w.holdsById.values().stream().filter(h -> balances.containsKey(h.captureTransactionId))
                            .forEach(h -> w.captureBalances.put(h.captureTransactionId, balances.get(h.captureTransactionId)));
                }
            }
        }).replaceWithVoid();
    }

    /** Last month's usage of the accounts whose month turned (the reset records it). */
    private Uni<Void> loadMonthUsage(SqlConnection conn, Loaded loaded, LedgerContext ctx) {
        Map<YearMonth, List<AccountWork>> due = new HashMap<>();
        for (AccountWork w : loaded.accounts.values()) {
            if (w.account.resetMonth != null && ResetRules.due(w.account, ctx.now())) {
                due.computeIfAbsent(ResetRules.currentMonth(w.account, ctx.now()).minusMonths(1), m -> new ArrayList<>())
                        .add(w);
            }
        }
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Map.Entry<YearMonth, List<AccountWork>> e : due.entrySet()) {
            YearMonth month = e.getKey();
            Map<UUID, AccountWork> works = new HashMap<>();
            e.getValue().forEach(w -> works.put(w.account.id, w));
            all = all.chain(() -> conn.preparedQuery(MONTH_USAGE).execute(Tuple.of(works.keySet().toArray(UUID[]::new),
                            month.atDay(1), month.atEndOfMonth()))
                    .invoke(rows -> {
                        Map<UUID, long[]> totals = new HashMap<>();
                        Map<UUID, String> top = new HashMap<>();
                        for (Row row : rows) {
                            UUID id = row.getUUID(0);
                            long credits = row.getLong(2);
                            totals.computeIfAbsent(id, k -> new long[1])[0] += credits;
                            if (!top.containsKey(id)) { // rows come most used first
                                top.put(id, credits == 0 ? null : row.getString(1));
                            }
                        }
                        works.forEach((id, w) -> w.lastMonthUsage = new AccountWork.MonthUsage(
                                totals.containsKey(id) ? totals.get(id)[0] : 0, top.get(id)));
                    }).replaceWithVoid());
        }
        return all;
    }

    /**
     * Writes what the batch changed on the given accounts and the inbox marks of the applied events, and
     * commits, in one round trip. A statement that fails aborts the transaction, and the COMMIT behind it
     * then rolls back (PostgreSQL answers it with ROLLBACK); the caller sees the statement's failure.
     */
    Uni<Void> writeAndCommit(SqlConnection conn, List<AccountWork> works, List<Inbox.Mark> marks) {
        List<Tuple> accounts = new ArrayList<>();
        List<Tuple> newGrants = new ArrayList<>();
        List<Tuple> grants = new ArrayList<>();
        List<Tuple> newHolds = new ArrayList<>();
        List<Tuple> holds = new ArrayList<>();
        List<Tuple> newOwed = new ArrayList<>();
        List<Tuple> owed = new ArrayList<>();
        List<Tuple> entries = new ArrayList<>();
        List<Tuple> audit = new ArrayList<>();
        List<Tuple> usage = new ArrayList<>();
        List<Tuple> resets = new ArrayList<>();
        List<Tuple> outbox = new ArrayList<>();
        for (AccountWork w : works) {
            if (w.accountChanged) {
                accounts.add(accountTuple(w.account));
            }
            for (CreditGrant g : w.newGrants) {
                newGrants.add(Tuple.from(Arrays.asList(g.id, g.accountId, g.source.name(), g.originalCredits,
                        g.remainingCredits, g.priority, utc(g.expiresAt), g.reference, utc(g.createdAt))));
            }
            for (CreditGrant g : w.changedGrants) {
                if (!w.newGrants.contains(g)) {
                    grants.add(Tuple.of(g.id, g.remainingCredits));
                }
            }
            for (CreditHold h : w.newHolds) {
                newHolds.add(Tuple.from(Arrays.asList(h.id, h.accountId, h.amount, h.status.name(), h.functionType,
                        h.userId, h.idempotencyKey, h.requestHash, utc(h.expiresAt), utc(h.createdAt), h.availableAfter,
                        utc(h.resolvedAt), h.capturedAmount, h.captureTransactionId, h.resolveKey, h.resolveHash,
                        h.resolveAvailableAfter)));
            }
            for (CreditHold h : w.changedHolds) {
                holds.add(holdTuple(h));
            }
            for (OwedCredit o : w.newOwed) {
                newOwed.add(Tuple.from(Arrays.asList(o.accountId, o.sourceKey, o.paymentId, o.credits, o.settled,
                        o.cancelled, utc(o.createdAt))));
            }
            for (OwedCredit o : w.changedOwed) {
                owed.add(Tuple.of(o.accountId, o.sourceKey, o.settled, o.cancelled));
            }
            for (LedgerTransaction t : w.entries) {
                entries.add(Tuple.from(Arrays.asList(t.id, t.accountId, t.type.name(), t.creditsAmount, t.balanceAfter,
                        t.functionType, t.functionParams, t.executionTimeMs,
                        t.costPerCredit == null ? null : t.costPerCredit.toPlainString(), t.totalCostYen, t.userId,
                        t.description, t.referenceId, t.grantId, t.idempotencyKey, t.requestHash, utc(t.createdAt),
                        t.paidFrom, t.reversesKey)));
            }
            for (SystemEvent e : w.audit) {
                audit.add(Tuple.from(Arrays.asList(e.id, e.tenantId, e.userId, e.eventType, e.sourceSystem,
                        e.entityType, e.entityId, e.action, e.eventData, e.beforeData, e.afterData, e.requestId,
                        utc(e.occurredAt))));
            }
            w.usage.forEach((key, sum) -> usage.add(Tuple.from(Arrays.asList(w.account.id, key.day(),
                    key.functionType(), sum[0], sum[1], sum[2], sum[3]))));
            for (MonthlyReset r : w.resets) {
                resets.add(Tuple.from(Arrays.asList(r.id, r.accountId, r.resetMonth, utc(r.resetDate),
                        r.previousBalance, r.freeCreditsAdded, r.carriedOver, r.lastMonthUsage, r.mostUsedFunction,
                        r.efficiencyScore.toPlainString(), utc(r.createdAt))));
            }
            for (EventEnvelope e : w.events) {
                outbox.add(Outbox.row(e));
            }
        }
        List<Tuple> markRows = marks.stream().map(Inbox.Mark::tuple).toList();
        // Pipelined like the loads; grants go before the entries that reference them.
        return Uni.combine().all().unis(
                        batch(conn, UPDATE_ACCOUNT, accounts), batch(conn, INSERT_GRANT, newGrants),
                        batch(conn, UPDATE_GRANT, grants), batch(conn, INSERT_HOLD, newHolds),
                        batch(conn, UPDATE_HOLD, holds), batch(conn, INSERT_OWED, newOwed),
                        batch(conn, UPDATE_OWED, owed), batch(conn, INSERT_ENTRY, entries),
                        batch(conn, INSERT_AUDIT, audit), batch(conn, UPSERT_USAGE, usage),
                        batch(conn, INSERT_RESET, resets), batch(conn, Outbox.INSERT_SQL, outbox),
                        batch(conn, Inbox.Mark.INSERT_SQL, markRows), conn.query("COMMIT").execute().replaceWithVoid())
                .discardItems();
    }

    /** Ends a batch whose transaction failed half-way, so the connection goes back to the pool clean. */
    static Uni<Void> rollback(SqlConnection conn) {
        return conn.query("ROLLBACK").execute().replaceWithVoid().onFailure().recoverWithNull().replaceWithVoid();
    }

    private static Uni<Void> batch(SqlConnection conn, String sql, List<Tuple> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return (rows.size() == 1 ? conn.preparedQuery(sql).execute(rows.get(0))
                : conn.preparedQuery(sql).executeBatch(rows)).replaceWithVoid();
    }

    private static Tuple accountTuple(CreditAccount a) {
        return Tuple.from(Arrays.asList(a.id, a.planType.name(), a.monthlyFreeCredits, a.currentBalance, a.heldCredits,
                a.totalPurchased, a.totalUsed, a.autoPurchaseEnabled, a.autoPurchaseThreshold, a.autoPurchaseAmount,
                a.autoPurchasePackageId, a.lowBalanceLevel.name(), a.autoPurchaseArmed, a.autoPurchaseRequestId,
                a.pendingPlanType == null ? null : a.pendingPlanType.name(), a.resetMonth, utc(a.updatedAt),
                a.owedCredits, a.autoPurchaseMode.name(), a.autoPurchaseTarget, a.autoPurchasePackageCredits,
                a.autoPurchasePackageYen, a.autoPurchaseCapCredits, a.autoPurchaseCapYen, a.autoPurchaseMonth,
                a.autoPurchaseMonthCredits, a.autoPurchaseMonthYen, a.autoPurchaseCapNotified, a.autoPurchaseRequest,
                utc(a.autoPurchaseRequestedAt), a.autoPurchaseFailures, a.autoPurchaseLastFailure));
    }

    private static Tuple holdTuple(CreditHold h) {
        return Tuple.from(Arrays.asList(h.id, h.status.name(), utc(h.resolvedAt), h.capturedAmount,
                h.captureTransactionId, h.resolveKey, h.resolveHash, h.resolveAvailableAfter));
    }

    private static CreditAccount account(Row row) {
        CreditAccount a = new CreditAccount();
        a.id = row.getUUID("id");
        a.tenantId = row.getString("tenant_id");
        a.planType = PlanType.valueOf(row.getString("plan_type"));
        a.monthlyFreeCredits = row.getLong("monthly_free_credits");
        a.timeZone = row.getString("time_zone");
        a.currentBalance = row.getLong("current_balance");
        a.heldCredits = row.getLong("held_credits");
        a.owedCredits = row.getLong("owed_credits");
        a.totalPurchased = row.getLong("total_purchased");
        a.totalUsed = row.getLong("total_used");
        a.autoPurchaseEnabled = row.getBoolean("auto_purchase_enabled");
        a.autoPurchaseThreshold = row.getLong("auto_purchase_threshold");
        a.autoPurchaseAmount = row.getLong("auto_purchase_amount");
        a.autoPurchasePackageId = row.getString("auto_purchase_package_id");
        a.lowBalanceLevel = LowBalanceLevel.valueOf(row.getString("low_balance_level"));
        a.autoPurchaseArmed = row.getBoolean("auto_purchase_armed");
        a.autoPurchaseRequestId = row.getString("auto_purchase_request_id");
        String pending = row.getString("pending_plan_type");
        a.pendingPlanType = pending == null ? null : PlanType.valueOf(pending);
        a.resetMonth = row.getString("reset_month");
        a.createdAt = instant(row.getOffsetDateTime("created_at"));
        a.updatedAt = instant(row.getOffsetDateTime("updated_at"));
        a.autoPurchaseMode = AutoPurchaseMode.valueOf(row.getString("auto_purchase_mode"));
        a.autoPurchaseTarget = row.getLong("auto_purchase_target");
        a.autoPurchasePackageCredits = row.getLong("auto_purchase_package_credits");
        a.autoPurchasePackageYen = row.getLong("auto_purchase_package_yen");
        a.autoPurchaseCapCredits = row.getLong("auto_purchase_cap_credits");
        a.autoPurchaseCapYen = row.getLong("auto_purchase_cap_yen");
        a.autoPurchaseMonth = row.getString("auto_purchase_month");
        a.autoPurchaseMonthCredits = row.getLong("auto_purchase_month_credits");
        a.autoPurchaseMonthYen = row.getLong("auto_purchase_month_yen");
        a.autoPurchaseCapNotified = row.getString("auto_purchase_cap_notified");
        a.autoPurchaseRequest = row.getString("auto_purchase_request");
        a.autoPurchaseRequestedAt = instant(row.getOffsetDateTime("auto_purchase_requested_at"));
        a.autoPurchaseFailures = row.getInteger("auto_purchase_failures");
        a.autoPurchaseLastFailure = row.getString("auto_purchase_last_failure");
        return a;
    }

    private static CreditHold hold(Row row) {
        CreditHold h = new CreditHold();
        h.id = row.getUUID("id");
        h.accountId = row.getUUID("account_id");
        h.amount = row.getLong("amount");
        h.status = HoldStatus.valueOf(row.getString("status"));
        h.functionType = row.getString("function_type");
        h.userId = row.getString("user_id");
        h.idempotencyKey = row.getString("idempotency_key");
        h.requestHash = row.getString("request_hash");
        h.expiresAt = instant(row.getOffsetDateTime("expires_at"));
        h.createdAt = instant(row.getOffsetDateTime("created_at"));
        h.resolvedAt = instant(row.getOffsetDateTime("resolved_at"));
        h.capturedAmount = row.getLong("captured_amount");
        h.captureTransactionId = row.getUUID("capture_transaction_id");
        h.resolveKey = row.getString("resolve_key");
        h.resolveHash = row.getString("resolve_hash");
        h.availableAfter = row.getLong("available_after");
        h.resolveAvailableAfter = row.getLong("resolve_available_after");
        return h;
    }

    private static CreditGrant grant(Row row) {
        CreditGrant g = new CreditGrant();
        g.id = row.getUUID("id");
        g.accountId = row.getUUID("account_id");
        g.source = GrantSource.valueOf(row.getString("source"));
        g.originalCredits = row.getLong("original_credits");
        g.remainingCredits = row.getLong("remaining_credits");
        g.priority = row.getInteger("priority");
        g.expiresAt = instant(row.getOffsetDateTime("expires_at"));
        g.reference = row.getString("reference");
        g.createdAt = instant(row.getOffsetDateTime("created_at"));
        return g;
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
