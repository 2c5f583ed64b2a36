package io.hotelcrm.system.fault;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What must hold after a run, read from the four databases (each service's own tables, queried here
 * independently of the services' code) and from the Stripe stub and the client log. Each check answers
 * a line of the table: its name, whether it held, and what it saw (the first offenders when it did not).
 */
final class InvariantChecks {

    record Result(String name, boolean ok, String detail) {
    }

    /** A consumer group and the database that records what it applied. */
    /** A consumer group of a topic and the event types it acts on (null: all); it skips the others unrecorded. */
    private record Consumer(String producerDb, String topic, String consumerDb, String consumer, List<String> types) {
    }

    private static final List<Consumer> CONSUMERS = List.of(
            new Consumer("credit", "credit.events", "alert", "alert-service/credit-events", List.of("CreditsGranted",
                    "MonthlyResetCompleted", "BalanceLow", "UsageRecorded", "AutoPurchaseSuspended")),
            new Consumer("credit", "credit.events", "billing", "billing-service/credit-events",
                    List.of("AutoPurchaseRequested")),
            new Consumer("billing", "billing.events", "credit", "credit-service/billing-events", null),
            new Consumer("billing", "billing.events", "alert", "alert-service/billing-events",
                    List.of("PaymentActionRequired", "PaymentFailed")),
            new Consumer("gateway", "gateway.events", "alert", "alert-service/gateway-events",
                    List.of("SecurityEventRaised")));

    private final FaultStack stack;
    private final String tenantPrefix;
    private final Set<String> monthTurned;
    private final java.util.function.Supplier<Set<String>> acknowledgedStripeEvents;
    private final ClientLog clients;

    InvariantChecks(FaultStack stack, String tenantPrefix, Set<String> monthTurned,
                    java.util.function.Supplier<Set<String>> acknowledgedStripeEvents,
                    ClientLog clients) {
        this.stack = stack;
        this.tenantPrefix = tenantPrefix;
        this.monthTurned = monthTurned;
        this.acknowledgedStripeEvents = acknowledgedStripeEvents;
        this.clients = clients;
    }

    List<Result> run() throws SQLException {
        try (Connection credit = stack.postgres.connect("credit");
             Connection gateway = stack.postgres.connect("gateway");
             Connection billing = stack.postgres.connect("billing");
             Connection alert = stack.postgres.connect("alert")) {
            Map<String, Connection> dbs = Map.of("credit", credit, "gateway", gateway, "billing", billing, "alert", alert);
            List<Result> results = new ArrayList<>();
            results.addAll(ledger(credit));
            results.add(stripeEventsOnce(billing));
            results.add(paymentsGrantedOnce(billing, credit));
            results.add(ourEventsOnce(dbs));
            results.add(monthlyResetsOnce(credit, alert));
            results.add(plansFollowBilling(billing, credit));
            results.add(alertRollups(credit, alert));
            results.add(gatewayCharges(gateway, credit));
            results.add(holdsResolved(credit));
            results.add(executionsFinished(gateway));
            results.add(outboxesDrained(dbs));
            results.add(answers());
            return results;
        }
    }

    /** balance = Σ ledger entries = Σ remaining grants, held = Σ pending holds, and available ≥ 0, per account. */
    private List<Result> ledger(Connection credit) throws SQLException {
        List<String> sums = new ArrayList<>();
        List<String> negative = new ArrayList<>();
        int accounts = 0;
        try (PreparedStatement ps = credit.prepareStatement("select a.tenant_id, a.current_balance, a.held_credits, "
                + "(select coalesce(sum(t.credits_amount), 0) from ai_credit_transactions t where t.account_id = a.id), "
                + "(select coalesce(sum(g.remaining_credits), 0) from credit_grants g where g.account_id = a.id), "
                + "(select coalesce(sum(h.amount), 0) from credit_holds h where h.account_id = a.id and h.status = 'PENDING') "
                + "from ai_credit_accounts a where a.tenant_id like ? order by a.tenant_id")) {
            ps.setString(1, tenantPrefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    accounts++;
                    String tenant = rs.getString(1);
                    long balance = rs.getLong(2);
                    long held = rs.getLong(3);
                    long entries = rs.getLong(4);
                    long grants = rs.getLong(5);
                    long pending = rs.getLong(6);
                    if (balance != entries || balance != grants || held != pending) {
                        sums.add(tenant + " balance " + balance + " Σledger " + entries + " Σgrants " + grants
                                + " held " + held + " Σpending " + pending);
                    }
                    if (balance - held < 0) {
                        negative.add(tenant + " available " + (balance - held));
                    }
                }
            }
        }
        return List.of(
                result("balance = Σ ledger = Σ grants, held = Σ holds", sums, accounts + " accounts"),
                result("available ≥ 0", negative, accounts + " accounts"));
    }

    /** Every Stripe event billing acknowledged (2xx) is recorded once in stripe_webhook_event. */
    private Result stripeEventsOnce(Connection billing) throws SQLException {
        List<String> ids = List.copyOf(acknowledgedStripeEvents.get());
        Set<String> stored = new java.util.HashSet<>();
        try (PreparedStatement ps = billing.prepareStatement(
                "select event_id from stripe_webhook_event where event_id = any (?)")) {
            Array array = billing.createArrayOf("varchar", ids.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
        }
        List<String> missing = ids.stream().filter(id -> !stored.contains(id)).limit(5).map(id -> id + " not stored").toList();
        return result("each Stripe event applied once", missing,
                ids.size() + " events acknowledged, each delivered " + WebhookShuffler.COPIES + "× shuffled");
    }

    /**
     * Paid at Stripe ⇔ SUCCEEDED with one payment_grant ⇔ one PURCHASE ledger entry of the same credits at
     * credit-service. A purchase Stripe calls paid that grants nothing is a lost credit; two entries a double one.
     */
    private Result paymentsGrantedOnce(Connection billing, Connection credit) throws SQLException {
        List<String> problems = new ArrayList<>();
        Map<String, Long> granted = new HashMap<>(); // "tenant payment:<id>" -> credits, from billing
        int succeeded = 0;
        try (PreparedStatement ps = billing.prepareStatement("select p.tenant_id, p.id, p.status, p.credits, "
                + "p.payment_intent_id, p.invoice_id, (select count(*) from payment_grant g where g.purchase_id = p.id), "
                + "(select min(g.payment_id) from payment_grant g where g.purchase_id = p.id) "
                + "from purchase p where p.tenant_id like ?")) {
            ps.setString(1, tenantPrefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String tenant = rs.getString(1);
                    String status = rs.getString(3);
                    long grants = rs.getLong(7);
                    boolean paidAtStripe = paidAtStripe(rs.getString(5), rs.getString(6));
                    if (status.equals("SUCCEEDED")) {
                        succeeded++;
                        if (grants != 1) {
                            problems.add("purchase " + rs.getString(2) + " SUCCEEDED with " + grants + " payment_grant rows");
                        } else {
                            granted.put(tenant + " payment:" + rs.getString(8), rs.getLong(4));
                        }
                    } else if (paidAtStripe) {
                        problems.add("purchase " + rs.getString(2) + " paid at Stripe but " + status);
                    }
                }
            }
        }
        Map<String, long[]> entries = new HashMap<>();
        try (PreparedStatement ps = credit.prepareStatement("select a.tenant_id, t.idempotency_key, count(*), sum(t.credits_amount) "
                + "from ai_credit_transactions t join ai_credit_accounts a on a.id = t.account_id "
                + "where a.tenant_id like ? and t.transaction_type = 'PURCHASE' group by 1, 2")) {
            ps.setString(1, tenantPrefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.put(rs.getString(1) + " " + rs.getString(2), new long[] {rs.getLong(3), rs.getLong(4)});
                }
            }
        }
        granted.forEach((key, credits) -> {
            long[] e = entries.get(key);
            if (e == null) {
                problems.add(key + " granted by billing, no PURCHASE entry at credit-service");
            } else if (e[0] != 1 || e[1] != credits) {
                problems.add(key + " " + e[0] + " entries of Σ " + e[1] + " for " + credits + " credits");
            }
        });
        entries.keySet().stream().filter(k -> !granted.containsKey(k))
                .forEach(k -> problems.add(k + " PURCHASE entry without a SUCCEEDED purchase"));
        return result("each payment granted once (Stripe = billing = ledger)", problems,
                succeeded + " purchases paid, " + entries.size() + " PURCHASE entries");
    }

    private boolean paidAtStripe(String paymentIntent, String invoice) {
        if (invoice != null) {
            return stack.stripe.object(invoice).map(o -> "paid".equals(o.path("status").asText())).orElse(false);
        }
        if (paymentIntent != null) {
            return stack.stripe.object(paymentIntent).map(o -> "succeeded".equals(o.path("status").asText())).orElse(false);
        }
        return false;
    }

    /** Every event in a producer's outbox is recorded by every consumer group of its topic acting on its type (once: the key). */
    private Result ourEventsOnce(Map<String, Connection> dbs) throws SQLException {
        List<String> missing = new ArrayList<>();
        long events = 0;
        for (Consumer c : CONSUMERS) {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = dbs.get(c.producerDb()).prepareStatement(
                    "select id::text from outbox_event where topic = ? and kafka_key like ?"
                            + " and (?::varchar[] is null or type = any (?::varchar[]))")) {
                ps.setString(1, c.topic());
                ps.setString(2, tenantPrefix + "%");
                java.sql.Array types = c.types() == null ? null
                        : dbs.get(c.producerDb()).createArrayOf("varchar", c.types().toArray());
                ps.setArray(3, types);
                ps.setArray(4, types);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            events += ids.size();
            long applied;
            try (PreparedStatement ps = dbs.get(c.consumerDb()).prepareStatement(
                    "select count(*) from processed_event where consumer = ? and event_id = any (?::uuid[])")) {
                ps.setString(1, c.consumer());
                ps.setArray(2, dbs.get(c.consumerDb()).createArrayOf("varchar", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    applied = rs.getLong(1);
                }
            }
            if (applied != ids.size()) {
                missing.add(c.consumer() + " applied " + applied + " of " + ids.size() + " " + c.topic());
            }
        }
        return result("each of our events applied once per consumer", missing, events + " (event, consumer) pairs");
    }

    /**
     * A turned month is reset once: one reset row and one MONTHLY_RESET entry for the month, and one
     * MONTHLY_RESET alert (MonthlyResetCompleted applied once by alert-service).
     */
    private Result monthlyResetsOnce(Connection credit, Connection alert) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (String tenant : new java.util.TreeSet<>(monthTurned)) {
            String month = YearMonth.now(ZoneId.of("Asia/Tokyo")).toString();
            long rows = count(credit, "select count(*) from monthly_credit_resets r join ai_credit_accounts a on a.id = r.account_id "
                    + "where a.tenant_id = ? and r.reset_month = ?", tenant, month);
            long entries = count(credit, "select count(*) from ai_credit_transactions t join ai_credit_accounts a on a.id = t.account_id "
                    + "where a.tenant_id = ? and t.idempotency_key = ?", tenant, "monthly-free:" + month);
            long alerts = count(alert, "select count(*) from alert_log where tenant_id = ? and alert_type = 'MONTHLY_RESET'", tenant);
            if (rows != 1 || entries != 1 || alerts != 1) {
                problems.add(tenant + ": " + rows + " resets, " + entries + " entries, " + alerts + " alerts for " + month);
            }
        }
        return result("each monthly reset applied once", problems, monthTurned.size() + " months turned");
    }

    /**
     * PlanChanged applied in order, once each: the plan credit-service will bill free credits for (the pending
     * downgrade, else the current plan) is the plan billing last announced.
     */
    private Result plansFollowBilling(Connection billing, Connection credit) throws SQLException {
        Map<String, String> announced = new TreeMap<>();
        try (PreparedStatement ps = billing.prepareStatement("select tenant_id, announced_plan from subscription "
                + "where tenant_id like ? and announced_plan is not null")) {
            ps.setString(1, tenantPrefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    announced.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (var e : announced.entrySet()) {
            List<String> plan = strings(credit, "select coalesce(pending_plan_type, plan_type) from ai_credit_accounts "
                    + "where tenant_id = '" + e.getKey().replace("'", "") + "'");
            if (!plan.equals(List.of(e.getValue()))) {
                problems.add(e.getKey() + " billing announced " + e.getValue() + ", credit-service has " + plan);
            }
        }
        return result("plan at credit-service = plan billing announced", problems, announced.size() + " subscriptions");
    }

    /** alert-service's hourly roll-up and credit-service's daily roll-up both equal the USAGE entries, per tenant. */
    private Result alertRollups(Connection credit, Connection alert) throws SQLException {
        Map<String, Long> ledger = sums(credit, "select a.tenant_id, -sum(t.credits_amount) from ai_credit_transactions t "
                + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id like ? and t.transaction_type = 'USAGE' group by 1");
        Map<String, Long> daily = sums(credit, "select a.tenant_id, sum(d.credits) from daily_usage d "
                + "join ai_credit_accounts a on a.id = d.account_id where a.tenant_id like ? group by 1");
        Map<String, Long> hourly = sums(alert, "select tenant_id, sum(credits) from usage_hour where tenant_id like ? group by 1");
        List<String> problems = new ArrayList<>();
        Set<String> tenants = new java.util.TreeSet<>(ledger.keySet());
        tenants.addAll(hourly.keySet());
        tenants.addAll(daily.keySet());
        long total = 0;
        for (String t : tenants) {
            long l = ledger.getOrDefault(t, 0L);
            total += l;
            if (l != hourly.getOrDefault(t, 0L) || l != daily.getOrDefault(t, 0L)) {
                problems.add(t + " usage " + l + ", alert roll-up " + hourly.getOrDefault(t, 0L) + ", daily roll-up "
                        + daily.getOrDefault(t, 0L));
            }
        }
        return result("alert roll-ups = usage recorded", problems, total + " credits used");
    }

    /** What the gateway charged for its finished executions is what the ledger took as usage, per tenant. */
    private Result gatewayCharges(Connection gateway, Connection credit) throws SQLException {
        Map<String, Long> charged = sums(gateway, "select tenant_id, sum(credits) from ai_executions "
                + "where tenant_id like ? and status = 'COMPLETED' group by 1");
        Map<String, Long> ledger = sums(credit, "select a.tenant_id, -sum(t.credits_amount) from ai_credit_transactions t "
                + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id like ? and t.transaction_type = 'USAGE' group by 1");
        List<String> problems = new ArrayList<>();
        Set<String> tenants = new java.util.TreeSet<>(charged.keySet());
        tenants.addAll(ledger.keySet());
        for (String t : tenants) {
            if (!Objects.equals(charged.getOrDefault(t, 0L), ledger.getOrDefault(t, 0L))) {
                problems.add(t + " gateway charged " + charged.getOrDefault(t, 0L) + ", ledger usage " + ledger.getOrDefault(t, 0L));
            }
        }
        long executions = count(gateway, "select count(*) from ai_executions where tenant_id like ?", tenantPrefix + "%");
        return result("gateway's charges = ledger usage", problems, executions + " executions");
    }

    private Result holdsResolved(Connection credit) throws SQLException {
        List<String> late = strings(credit, "select a.tenant_id || ' hold ' || h.id || ' expired ' || h.expires_at "
                + "from credit_holds h join ai_credit_accounts a on a.id = h.account_id "
                + "where h.status = 'PENDING' and h.expires_at < now() - interval '60 seconds' limit 5");
        long holds = count(credit, "select count(*) from credit_holds h join ai_credit_accounts a on a.id = h.account_id "
                + "where a.tenant_id like ?", tenantPrefix + "%");
        return result("no hold pending past timeout + 60 s", late, holds + " holds");
    }

    private Result executionsFinished(Connection gateway) throws SQLException {
        List<String> open = strings(gateway, "select tenant_id || ' ' || id || ' ' || status || ' since ' || created_at "
                + "from ai_executions where status in ('RUNNING', 'CAPTURE_PENDING', 'RELEASE_PENDING') limit 5");
        return result("no execution unfinished", open, "");
    }

    private Result outboxesDrained(Map<String, Connection> dbs) throws SQLException {
        List<String> pending = new ArrayList<>();
        long total = 0;
        for (var e : new TreeMap<>(dbs).entrySet()) {
            long n = count(e.getValue(), "select count(*) from outbox_event where sent_at is null");
            total += count(e.getValue(), "select count(*) from outbox_event");
            if (n > 0) {
                pending.add(e.getKey() + " " + n + " unsent");
            }
        }
        return result("every outbox drained", pending, total + " events published");
    }

    private Result answers() {
        return result("answers were 2xx, 4xx or 503 only", clients.offending().stream().limit(5).toList(),
                clients.count(s -> s / 100 == 2) + " 2xx, " + clients.count(s -> s / 100 == 4) + " 4xx, "
                        + clients.count(s -> s == 503) + " 503, " + clients.forbidden5xx() + " other 5xx, "
                        + clients.noAnswer() + " refused, " + clients.timeouts() + " timed out (20 s)");
    }

    // ------------------------------------------------------------------------------------------------

    private static Result result(String name, List<String> problems, String seen) {
        return new Result(name, problems.isEmpty(),
                problems.isEmpty() ? seen : problems.size() + " problem(s): " + String.join("; ", problems.stream().limit(5).toList()));
    }

    private Map<String, Long> sums(Connection c, String sql) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantPrefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    private static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
