package io.hotelcrm.credit.ledger;

import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.CreditsExpired;
import io.hotelcrm.contracts.credit.CreditsGranted;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.audit.AuditLog;
import io.hotelcrm.credit.audit.SystemEvent;
import io.hotelcrm.credit.grant.CreditGrant;
import io.hotelcrm.credit.grant.GrantSource;
import io.hotelcrm.credit.hold.CreditHold;
import io.hotelcrm.credit.reset.MonthlyReset;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One account inside a ledger batch: its row, live grants and the holds the batch's ops name, all read
 * under the account's row lock in the batch's transaction, and what the ops changed. The methods
 * here are the only code that moves a balance: each appends its ledger entry and audit row.
 * The entities are used as plain objects: {@link LedgerStore} writes them back with SQL.
 */
public final class AccountWork {

    /** Burn order: priority, then soonest expiry (never-expiring last), then oldest. */
    static final Comparator<CreditGrant> BURN_ORDER = Comparator.<CreditGrant>comparingInt(g -> g.priority)
            .thenComparing(g -> g.expiresAt, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(g -> g.createdAt).thenComparing(g -> g.id);

    final CreditAccount account;
    final ZoneId zone;
    final LedgerContext ctx;
    /** Grants with credits left when loaded, plus those added by the batch, in burn order. */
    final List<CreditGrant> grants = new ArrayList<>();
    final Map<UUID, CreditHold> holdsById = new HashMap<>();
    final Map<String, CreditHold> holdsByKey = new HashMap<>();
    /** Σ amount of the account's pending holds, counted from the table: held credits must equal it. */
    long pendingHeld;
    /** Ledger entries already written under idempotency keys that ops of this batch name. */
    final Map<String, LedgerTransaction> entriesByKey = new HashMap<>();
    /** balance_after of the capture entries of captured holds that ops of this batch replay. */
    final Map<UUID, Long> captureBalances = new HashMap<>();
    /**
     * Owed credits by source, still owed ones oldest first (loaded when the account owes any), and those under the
     * keys that refund and reversal ops of this batch name, whatever is left of them.
     */
    final List<OwedCredit> owed = new ArrayList<>();
    final Map<String, OwedCredit> owedByKey = new HashMap<>();
    /** Credits given back so far by reversals of each source key (loaded for the batch's reversals, then kept). */
    final Map<String, Long> givenBack = new HashMap<>();
    /** Last month's usage, loaded when the account's month turned. */
    MonthUsage lastMonthUsage;

    // What the batch changed, written by LedgerStore.
    boolean accountChanged;
    final List<CreditGrant> newGrants = new ArrayList<>();
    final Set<CreditGrant> changedGrants = new LinkedHashSet<>();
    final List<OwedCredit> newOwed = new ArrayList<>();
    final Set<OwedCredit> changedOwed = new LinkedHashSet<>();
    final List<CreditHold> newHolds = new ArrayList<>();
    final Set<CreditHold> changedHolds = new LinkedHashSet<>();
    final List<LedgerTransaction> entries = new ArrayList<>();
    final List<SystemEvent> audit = new ArrayList<>();
    final List<EventEnvelope> events = new ArrayList<>();
    final Map<UsageKey, long[]> usage = new LinkedHashMap<>();
    final List<MonthlyReset> resets = new ArrayList<>();

    /** Credits used last month per function, most used first. */
    public record MonthUsage(long credits, String mostUsed) {
    }

    record UsageKey(LocalDate day, String functionType) {
    }

    AccountWork(CreditAccount account, LedgerContext ctx) {
        this.account = account;
        this.zone = ZoneId.of(account.timeZone);
        this.ctx = ctx;
    }

    public CreditAccount account() {
        return account;
    }

    public Instant now() {
        return ctx.now();
    }

    public LocalDate today() {
        return LocalDate.ofInstant(ctx.now(), zone);
    }

    public ZoneId zone() {
        return zone;
    }

    public MonthUsage lastMonthUsage() {
        return lastMonthUsage;
    }

    /** Marks the account row as changed (settings, plan, threshold state). */
    public void changed() {
        accountChanged = true;
        account.updatedAt = ctx.now();
    }

    public void publish(EventType type, Object payload) {
        events.add(EventEnvelope.wrap(type, account.tenantId, ctx.now(), payload));
    }

    public void audit(SystemEvent row) {
        audit.add(row);
    }

    public List<CreditGrant> liveGrants() {
        return grants.stream().filter(g -> g.remainingCredits > 0).toList();
    }

    // ---- The balance moves. Each keeps balance = Σ remaining grants and appends its entry. ----

    /** Adds a grant and its entry (positive). */
    public LedgerTransaction credit(GrantSource source, long credits, Instant expiresAt, String reference,
                                    TransactionType type, String key, String hash, String userId, String description) {
        CreditGrant grant = new CreditGrant();
        grant.id = UUID.randomUUID();
        grant.accountId = account.id;
        grant.source = source;
        grant.originalCredits = credits;
        grant.remainingCredits = credits;
        grant.priority = source.priority();
        grant.expiresAt = expiresAt;
        grant.reference = reference;
        grant.createdAt = ctx.now();
        grants.add(grant);
        grants.sort(BURN_ORDER);
        newGrants.add(grant);
        if (source == GrantSource.PURCHASE) {
            account.totalPurchased += credits;
        }
        LedgerTransaction tx = newEntry(type, credits, grant.id, reference, key, hash, userId, description);
        ctx.metrics().granted(source, credits);
        publish(EventType.CreditsGranted, new CreditsGranted(account.id.toString(), grant.id.toString(),
                tx.id.toString(), source.name(), credits, account.currentBalance, expiresAt, reference));
        return tx;
    }

    /** Takes {@code credits} of usage out of the grants in burn order; they must cover it. */
    public LedgerTransaction debitUsage(long credits, LedgerTransaction entry) {
        entry.paidFrom = burn(grants, credits);
        account.totalUsed += credits;
        entry.type = TransactionType.USAGE;
        return append(entry, -credits);
    }

    /** Expires up to {@code credits} of one grant (never what pending holds reserve). */
    public long expire(CreditGrant grant, long credits) {
        long amount = Math.min(Math.min(grant.remainingCredits, credits), available());
        if (amount <= 0) {
            return 0;
        }
        take(grant, amount);
        LedgerTransaction tx = newEntry(TransactionType.EXPIRY, -amount, grant.id, grant.reference, null, null, null,
                "有効期限切れ (" + grant.source + ")", paidFrom(new StringBuilder(), grant, amount).append(']').toString());
        ctx.metrics().expired(amount);
        publish(EventType.CreditsExpired, new CreditsExpired(account.id.toString(), grant.id.toString(),
                tx.id.toString(), amount, account.currentBalance));
        return amount;
    }

    /**
     * Takes back up to {@code credits} from what is left of the given grants (a refund). What pending holds
     * reserve cannot be taken now: it is owed, and {@link #settleOwed} takes it when it becomes available.
     */
    public LedgerTransaction clawBack(List<CreditGrant> from, long credits, String reference, String key,
                                      String description) {
        long recoverable = Math.min(credits, from.stream().mapToLong(g -> g.remainingCredits).sum());
        long wanted = Math.min(recoverable, available());
        owe(recoverable - wanted, reference, key);
        long taken = 0;
        UUID grantId = null;
        StringBuilder paid = new StringBuilder();
        for (CreditGrant g : from) {
            long take = Math.min(wanted - taken, g.remainingCredits);
            if (take > 0) {
                take(g, take);
                taken += take;
                grantId = grantId == null ? g.id : grantId;
                paidFrom(paid, g, take);
            }
        }
        if (taken == 0) {
            return null;
        }
        account.totalPurchased = Math.max(0, account.totalPurchased - taken);
        return newEntry(TransactionType.REFUND, -taken, grantId, reference, key, null, null, description,
                paid.append(']').toString());
    }

    /** Records credits a refund (ledger key {@code key}, of payment {@code reference}) could not take back now. */
    private void owe(long credits, String reference, String key) {
        if (credits <= 0) {
            return;
        }
        OwedCredit row = new OwedCredit();
        row.accountId = account.id;
        row.sourceKey = key == null ? "unattributed:" + UUID.randomUUID() : key;
        row.paymentId = reference;
        row.credits = credits;
        row.createdAt = ctx.now();
        owed.add(row);
        owedByKey.put(row.sourceKey, row);
        newOwed.add(row);
        long before = account.owedCredits;
        account.owedCredits += credits;
        changed();
        audit.add(ctx.audit().actionRow(account.tenantId, null, AuditLog.CREDIT_TRANSACTION, "ai_credit_account",
                account.id.toString(), "CREDITS_OWED", Map.of("owedCredits", before, "reference", reference),
                Map.of("owedCredits", account.owedCredits, "reference", reference), ctx.requestId()));
    }

    /**
     * Takes owed credits out of what is available, in burn order, with a REFUND entry: run after every op, so
     * that while anything is owed nothing is available (the invariant {@link #checkInvariants} checks).
     */
    boolean settleOwed() {
        long amount = Math.min(account.owedCredits, available());
        if (amount <= 0) {
            return false;
        }
        String paid = burn(grants, amount);
        account.owedCredits -= amount;
        long left = amount;
        for (OwedCredit row : owed) { // oldest first
            long share = Math.min(left, row.remaining());
            if (share > 0) {
                row.settled += share;
                owedChanged(row);
                left -= share;
            }
        }
        if (left != 0) {
            throw new LedgerInvariantException(account.id, "owed rows do not cover " + amount + " settled credits");
        }
        account.totalPurchased = Math.max(0, account.totalPurchased - amount);
        newEntry(TransactionType.REFUND, -amount, null, "owed", null, null, null, "返金の未回収分を精算", paid);
        return true;
    }

    /** The owed credits a refund (its ledger key) left, or null when it owed nothing (or is not loaded). */
    public OwedCredit owedFor(String key) {
        return owedByKey.get(key);
    }

    /**
     * Cancels up to {@code max} of what the refund under {@code key} still owes (a won dispute, a failed refund: the
     * credits were never due), with an audit row {@code OWED_CANCELLED}. Answers the credits cancelled.
     */
    public long cancelOwed(String key, long max, String cause) {
        OwedCredit row = owedByKey.get(key);
        long amount = row == null ? 0 : Math.min(max, row.remaining());
        if (amount <= 0) {
            return 0;
        }
        row.cancelled += amount;
        owedChanged(row);
        long before = account.owedCredits;
        account.owedCredits -= amount;
        changed();
        audit.add(ctx.audit().actionRow(account.tenantId, null, AuditLog.CREDIT_TRANSACTION, "ai_credit_account",
                account.id.toString(), "OWED_CANCELLED", Map.of("owedCredits", before, "reference", key),
                Map.of("owedCredits", account.owedCredits, "reference", key, "cause", cause), ctx.requestId()));
        return amount;
    }

    private void owedChanged(OwedCredit row) {
        if (!newOwed.contains(row)) {
            changedOwed.add(row);
        }
    }

    /** Reserves credits: they stay in the balance but leave what is available. */
    public void hold(long credits) {
        account.heldCredits += credits;
        pendingHeld += credits;
        changed();
    }

    /** Gives reserved credits back to what is available (release, expiry, or before a capture). */
    public void unhold(long credits) {
        account.heldCredits -= credits;
        pendingHeld -= credits;
        changed();
    }

    public long available() {
        return account.available();
    }

    /** Takes credits out of the grants in burn order; answers which grants paid (the entry's paid_from). */
    private String burn(List<CreditGrant> from, long credits) {
        long left = credits;
        StringBuilder paid = new StringBuilder();
        for (CreditGrant g : from) {
            if (left == 0) {
                break;
            }
            long take = Math.min(left, g.remainingCredits);
            if (take > 0) {
                g.remainingCredits -= take;
                changedGrants.add(g);
                left -= take;
                paidFrom(paid, g, take);
            }
        }
        if (left != 0) {
            throw new LedgerInvariantException(account.id, "grants do not cover " + credits + " credits");
        }
        return paid.append(']').toString();
    }

    /** Appends one grant's share to a paid_from JSON array (enum names and UUIDs need no escaping). */
    private static StringBuilder paidFrom(StringBuilder paid, CreditGrant g, long credits) {
        paid.append(paid.length() == 0 ? "[" : ",").append("{\"source\":\"").append(g.source.name())
                .append("\",\"grantId\":\"").append(g.id).append("\",\"credits\":").append(credits).append('}');
        return paid;
    }

    private void take(CreditGrant grant, long credits) {
        grant.remainingCredits -= credits;
        changedGrants.add(grant);
    }

    private LedgerTransaction newEntry(TransactionType type, long amount, UUID grantId, String reference, String key,
                                       String hash, String userId, String description) {
        return newEntry(type, amount, grantId, reference, key, hash, userId, description, null);
    }

    private LedgerTransaction newEntry(TransactionType type, long amount, UUID grantId, String reference, String key,
                                       String hash, String userId, String description, String paidFrom) {
        LedgerTransaction tx = new LedgerTransaction();
        tx.paidFrom = paidFrom;
        tx.type = type;
        tx.grantId = grantId;
        tx.referenceId = reference;
        tx.idempotencyKey = key;
        tx.requestHash = hash;
        tx.userId = userId;
        tx.description = description;
        return append(tx, amount);
    }

    private LedgerTransaction append(LedgerTransaction tx, long amount) {
        long before = account.currentBalance;
        account.currentBalance += amount;
        changed();
        tx.id = UUID.randomUUID();
        tx.accountId = account.id;
        tx.creditsAmount = amount;
        tx.balanceAfter = account.currentBalance;
        tx.createdAt = ctx.now();
        entries.add(tx);
        if (tx.idempotencyKey != null) {
            entriesByKey.put(tx.idempotencyKey, tx);
        }
        audit.add(ctx.audit().creditTransactionRow(account, tx, before, ctx.requestId()));
        return tx;
    }

    // ---- Holds and usage roll-up ----

    public CreditHold hold(UUID id) {
        return holdsById.get(id);
    }

    public CreditHold holdByKey(String key) {
        return holdsByKey.get(key);
    }

    public void addHold(CreditHold hold) {
        holdsById.put(hold.id, hold);
        holdsByKey.put(hold.idempotencyKey, hold);
        newHolds.add(hold);
    }

    public void holdChanged(CreditHold hold) {
        if (!newHolds.contains(hold)) {
            changedHolds.add(hold);
        }
    }

    public void usage(String functionType, long credits, long executions, long releases, long executionMs) {
        long[] sum = usage.computeIfAbsent(new UsageKey(today(), functionType), k -> new long[4]);
        sum[0] += credits;
        sum[1] += executions;
        sum[2] += releases;
        sum[3] += executionMs;
    }

    public void addReset(MonthlyReset reset) {
        resets.add(reset);
    }

    /** What reversals of the refund or hold-back under {@code sourceKey} gave back so far, this batch included. */
    public long givenBackFor(String sourceKey) {
        return givenBack.getOrDefault(sourceKey, 0L);
    }

    /** Marks {@code tx} (a grant just credited) as a reversal of {@code sourceKey}. */
    public void reverses(LedgerTransaction tx, String sourceKey) {
        tx.reversesKey = sourceKey;
        givenBack.merge(sourceKey, tx.creditsAmount, Long::sum);
    }

    public LedgerTransaction entryByKey(String key) {
        return entriesByKey.get(key);
    }

    public long captureBalance(UUID transactionId) {
        Long balance = captureBalances.get(transactionId);
        if (balance == null) {
            throw new IllegalStateException("capture entry " + transactionId + " was not loaded");
        }
        return balance;
    }

    public void rememberCapture(LedgerTransaction tx) {
        captureBalances.put(tx.id, tx.balanceAfter);
    }

    public LedgerMetrics ctxMetrics() {
        return ctx.metrics();
    }

    public LedgerContext context() {
        return ctx;
    }

    /** The ledger's invariants for this account, checked before anything is written. */
    void checkInvariants() {
        long granted = grants.stream().mapToLong(g -> g.remainingCredits).sum();
        if (granted != account.currentBalance) {
            throw new LedgerInvariantException(account.id, "balance " + account.currentBalance
                    + " differs from the grants' remaining credits " + granted);
        }
        if (account.heldCredits != pendingHeld) {
            throw new LedgerInvariantException(account.id, "held credits " + account.heldCredits
                    + " differ from the pending holds " + pendingHeld);
        }
        long owedRows = owed.stream().mapToLong(OwedCredit::remaining).sum();
        if (owedRows != account.owedCredits) {
            throw new LedgerInvariantException(account.id, "owed credits " + account.owedCredits
                    + " differ from what their sources still owe " + owedRows);
        }
        if (account.owedCredits < 0 || (account.owedCredits > 0 && available() > 0)) {
            throw new LedgerInvariantException(account.id, "owed credits " + account.owedCredits
                    + " while " + available() + " are available");
        }
        if (account.heldCredits < 0 || account.heldCredits > account.currentBalance) {
            throw new LedgerInvariantException(account.id, "held credits " + account.heldCredits
                    + " outside 0.." + account.currentBalance);
        }
        for (CreditGrant g : grants) {
            if (g.remainingCredits < 0 || g.remainingCredits > g.originalCredits) {
                throw new LedgerInvariantException(account.id, "grant " + g.id + " has " + g.remainingCredits + " left");
            }
        }
    }

    boolean hasWrites() {
        return accountChanged || !newOwed.isEmpty() || !changedOwed.isEmpty() || !newGrants.isEmpty() || !changedGrants.isEmpty() || !newHolds.isEmpty()
                || !changedHolds.isEmpty() || !entries.isEmpty() || !audit.isEmpty() || !events.isEmpty()
                || !usage.isEmpty() || !resets.isEmpty();
    }
}
