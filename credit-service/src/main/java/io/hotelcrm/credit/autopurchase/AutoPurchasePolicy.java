package io.hotelcrm.credit.autopurchase;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hotelcrm.contracts.EventJson;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.contracts.credit.AutoPurchaseSuspended;
import io.hotelcrm.credit.account.AutoPurchaseMode;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.audit.AuditLog;
import io.hotelcrm.credit.balance.BalanceView;
import io.hotelcrm.credit.ledger.AccountWork;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.credit.reset.ResetRules;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * When auto-purchase buys, how much, and when it stops — always inside the ledger's batch, on the account read
 * under its lock (docs/design-decisions.md, "Auto top-up").
 * <ul>
 *   <li>A request is made when available credits are at or below the threshold, the account is armed and none is
 *   in flight. Every answer (success or failure) re-arms it, and so does climbing above the threshold: each
 *   crossing is answered, and an in-flight request stops a second one.</li>
 *   <li>FIXED buys one package; TOP_UP as many as bring available credits to the target.</li>
 *   <li>The monthly cap counts what was requested this month, less what failed; a request without an answer
 *   stays counted, so the cap is never overspent. A request the cap stops is announced once a month.</li>
 *   <li>No answer after {@code answer-timeout}: the same request (same id, billing's Stripe idempotency key) is
 *   sent again, up to {@code max-attempts} sends, then released (NO_ANSWER).</li>
 *   <li>{@code max-failures} failures in a row turn auto-purchase off (CONSECUTIVE_FAILURES, a CRITICAL alert).</li>
 * </ul>
 */
@ApplicationScoped
public class AutoPurchasePolicy {

    private static final Logger LOG = Logger.getLogger(AutoPurchasePolicy.class);

    private final CreditConfig config;

    public AutoPurchasePolicy(CreditConfig config) {
        this.config = config;
    }

    /** After credits left the balance: request a purchase if this crossing has none yet. */
    public void afterDecrease(AccountWork work) {
        CreditAccount a = work.account();
        if (!a.autoPurchaseEnabled || !a.autoPurchaseArmed || a.autoPurchaseRequestId != null
                || a.available() > a.autoPurchaseThreshold) {
            return;
        }
        String month = ResetRules.currentMonth(a, work.now()).toString();
        if (!month.equals(a.autoPurchaseMonth)) {
            a.autoPurchaseMonth = month;
            a.autoPurchaseMonthCredits = 0;
            a.autoPurchaseMonthYen = 0;
        }
        Order order = order(a);
        if (order == null) {
            announceCapOnce(work, month);
            return;
        }
        AutoPurchaseRequested request = new AutoPurchaseRequested(a.id.toString(), UUID.randomUUID().toString(),
                a.autoPurchasePackageId, order.credits, a.autoPurchaseThreshold, a.available(), a.autoPurchaseMode.name(),
                order.quantity, order.yen, 1);
        a.autoPurchaseArmed = false;
        a.autoPurchaseRequestId = request.requestId();
        a.autoPurchaseMonthCredits += order.credits;
        a.autoPurchaseMonthYen += order.yen;
        send(work, request);
    }

    /** After credits arrived: re-arm when the account climbed above the threshold. */
    public void afterIncrease(AccountWork work) {
        CreditAccount a = work.account();
        if (!a.autoPurchaseArmed && a.available() > a.autoPurchaseThreshold) {
            a.autoPurchaseArmed = true;
            work.changed();
        }
    }

    /** The request's payment succeeded. A stale request id (released, or settings saved since) changes nothing. */
    public void succeeded(AccountWork work, String requestId) {
        CreditAccount a = work.account();
        if (!inFlight(a, requestId)) {
            return;
        }
        clear(a);
        a.autoPurchaseFailures = 0;
        a.autoPurchaseLastFailure = null;
        work.changed();
    }

    /** The request's payment failed: what it counted against the cap is given back, and it is one failure more. */
    public void failed(AccountWork work, String requestId, String reason) {
        CreditAccount a = work.account();
        if (!inFlight(a, requestId)) {
            return;
        }
        AutoPurchaseRequested request = read(a.autoPurchaseRequest);
        if (request != null && a.autoPurchaseMonth != null && a.autoPurchaseMonth.equals(
                ResetRules.currentMonth(a, work.now()).toString())) {
            a.autoPurchaseMonthCredits = Math.max(0, a.autoPurchaseMonthCredits - request.credits());
            a.autoPurchaseMonthYen = Math.max(0, a.autoPurchaseMonthYen - request.maxAmountYen());
        }
        clear(a);
        failure(work, requestId, reason == null ? "unknown" : reason);
    }

    /**
     * The job found the request without an answer for {@code answer-timeout}: send it again unchanged, or release it
     * after the last send. Answers whether anything changed (false: answered meanwhile, or not yet overdue).
     */
    public boolean overdue(AccountWork work, String requestId) {
        CreditAccount a = work.account();
        if (!inFlight(a, requestId) || a.autoPurchaseRequestedAt == null
                || a.autoPurchaseRequestedAt.plus(config.autoPurchase().answerTimeout()).isAfter(work.now())) {
            return false;
        }
        AutoPurchaseRequested request = read(a.autoPurchaseRequest);
        if (request != null && request.attempt() < config.autoPurchase().maxAttempts()) {
            LOG.warnf("auto-purchase %s of %s: no answer after attempt %d; sending it again", requestId, a.tenantId,
                    request.attempt());
            send(work, new AutoPurchaseRequested(request.accountId(), request.requestId(), request.packageId(),
                    request.credits(), request.threshold(), request.available(), request.mode(), request.quantity(),
                    request.maxAmountYen(), request.attempt() + 1));
            return true;
        }
        LOG.warnf("auto-purchase %s of %s: no answer after every attempt; released", requestId, a.tenantId);
        clear(a); // its credits stay counted against the cap: a late success must not overspend it
        boolean disabled = failure(work, requestId, "no_answer");
        work.publish(EventType.AutoPurchaseSuspended, suspended(a, requestId, "NO_ANSWER", disabled));
        return true;
    }

    /**
     * Saved settings start afresh: no request in flight (a late answer to it still grants what was paid, but no
     * longer holds the next request back), no failures, armed for the next use at or below the threshold.
     */
    public BalanceView.AutoPurchase save(AccountWork work, LedgerOp.SetAutoPurchase s) {
        CreditAccount a = work.account();
        Map<String, Object> before = settings(a);
        a.autoPurchaseEnabled = s.enabled();
        a.autoPurchaseThreshold = s.threshold();
        a.autoPurchaseMode = s.mode();
        if (s.packageCredits() > 0) { // turning it off keeps the package last chosen
            a.autoPurchaseAmount = s.packageCredits();
            a.autoPurchasePackageId = s.packageId();
            a.autoPurchasePackageCredits = s.packageCredits();
            a.autoPurchasePackageYen = s.packageYen();
        }
        a.autoPurchaseTarget = s.targetBalance();
        a.autoPurchaseCapCredits = s.monthlyCapCredits();
        a.autoPurchaseCapYen = s.monthlyCapYen();
        clear(a);
        a.autoPurchaseFailures = 0;
        a.autoPurchaseLastFailure = null;
        a.autoPurchaseCapNotified = null;
        work.changed();
        work.audit(work.context().audit().actionRow(a.tenantId, s.userId(), AuditLog.SETTINGS_CHANGE,
                "ai_credit_account", a.id.toString(), "AUTO_PURCHASE_UPDATED", before, settings(a),
                work.context().requestId()));
        return view(a, work);
    }

    /** The settings and their state as the balance API shows them. */
    private static BalanceView.AutoPurchase view(CreditAccount a, AccountWork work) {
        boolean monthCurrent = ResetRules.currentMonth(a, work.now()).toString().equals(a.autoPurchaseMonth);
        return new BalanceView.AutoPurchase(a.autoPurchaseEnabled, a.autoPurchaseThreshold, a.autoPurchaseAmount,
                a.autoPurchaseMode.name(), a.autoPurchasePackageId, a.autoPurchaseTarget, a.autoPurchaseCapCredits,
                a.autoPurchaseCapYen, new BalanceView.AutoPurchaseState(a.autoPurchaseRequestId != null,
                        a.autoPurchaseFailures, a.autoPurchaseLastFailure, monthCurrent ? a.autoPurchaseMonthCredits : 0,
                        monthCurrent ? a.autoPurchaseMonthYen : 0));
    }

    private static Map<String, Object> settings(CreditAccount a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", a.autoPurchaseEnabled);
        m.put("threshold", a.autoPurchaseThreshold);
        m.put("mode", a.autoPurchaseMode.name());
        m.put("packageId", a.autoPurchasePackageId);
        m.put("purchaseAmount", a.autoPurchaseAmount);
        m.put("targetBalance", a.autoPurchaseTarget);
        m.put("monthlyCapCredits", a.autoPurchaseCapCredits);
        m.put("monthlyCapYen", a.autoPurchaseCapYen);
        return m;
    }

    private record Order(int quantity, long credits, long yen) {
    }

    /** What this crossing buys within the monthly cap, or null when the cap leaves room for no package. */
    private static Order order(CreditAccount a) {
        if (a.autoPurchasePackageCredits == null) { // saved before packages were validated: the amount as it was
            return fits(a, a.autoPurchaseAmount, 0) ? new Order(1, a.autoPurchaseAmount, 0) : null;
        }
        long unit = a.autoPurchasePackageCredits;
        long unitYen = a.autoPurchasePackageYen == null ? 0 : a.autoPurchasePackageYen;
        int quantity = 1;
        if (a.autoPurchaseMode == AutoPurchaseMode.TOP_UP && a.autoPurchaseTarget != null) {
            long missing = a.autoPurchaseTarget - Math.max(0, a.available());
            quantity = (int) Math.max(1, Math.min(1000, (missing + unit - 1) / unit));
        }
        // TOP_UP buys fewer packages when the cap leaves room for some; FIXED buys its one package or none.
        for (int q = quantity; q >= 1; q--) {
            if (fits(a, q * unit, q * unitYen)) {
                return new Order(q, q * unit, q * unitYen);
            }
            if (a.autoPurchaseMode != AutoPurchaseMode.TOP_UP) {
                break;
            }
        }
        return null;
    }

    private static boolean fits(CreditAccount a, long credits, long yen) {
        return (a.autoPurchaseCapCredits == null || a.autoPurchaseMonthCredits + credits <= a.autoPurchaseCapCredits)
                && (a.autoPurchaseCapYen == null || a.autoPurchaseMonthYen + yen <= a.autoPurchaseCapYen);
    }

    private void announceCapOnce(AccountWork work, String month) {
        CreditAccount a = work.account();
        if (month.equals(a.autoPurchaseCapNotified)) {
            return;
        }
        a.autoPurchaseCapNotified = month;
        work.changed();
        work.publish(EventType.AutoPurchaseSuspended, suspended(a, null, "MONTHLY_CAP_REACHED", false));
    }

    /** One failure more; answers whether that turned auto-purchase off. */
    private boolean failure(AccountWork work, String requestId, String reason) {
        CreditAccount a = work.account();
        a.autoPurchaseFailures++;
        a.autoPurchaseLastFailure = reason;
        work.changed();
        if (a.autoPurchaseFailures < config.autoPurchase().maxFailures()) {
            return false;
        }
        a.autoPurchaseEnabled = false;
        LOG.warnf("auto-purchase of %s turned off after %d failures in a row (last: %s)", a.tenantId,
                a.autoPurchaseFailures, reason);
        work.publish(EventType.AutoPurchaseSuspended, suspended(a, requestId, "CONSECUTIVE_FAILURES", true));
        return true;
    }

    private static AutoPurchaseSuspended suspended(CreditAccount a, String requestId, String reason, boolean disabled) {
        return new AutoPurchaseSuspended(a.id.toString(), requestId, reason, disabled, a.autoPurchaseFailures,
                a.autoPurchaseLastFailure, a.autoPurchaseCapCredits, a.autoPurchaseCapYen, a.autoPurchaseMonthCredits,
                a.autoPurchaseMonthYen, a.autoPurchaseMonth);
    }

    private static void send(AccountWork work, AutoPurchaseRequested request) {
        CreditAccount a = work.account();
        a.autoPurchaseRequest = write(request);
        a.autoPurchaseRequestedAt = work.now();
        work.changed();
        work.publish(EventType.AutoPurchaseRequested, request);
    }

    private static boolean inFlight(CreditAccount a, String requestId) {
        return requestId != null && requestId.equals(a.autoPurchaseRequestId);
    }

    /** No request in flight; the next use at or below the threshold may request one. */
    private static void clear(CreditAccount a) {
        a.autoPurchaseRequestId = null;
        a.autoPurchaseRequest = null;
        a.autoPurchaseRequestedAt = null;
        a.autoPurchaseArmed = true;
    }

    private static String write(AutoPurchaseRequested request) {
        try {
            return EventJson.mapper().writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AutoPurchaseRequested read(String json) {
        if (json == null) {
            return null; // a request made before its body was kept: released without a repeat
        }
        try {
            return EventJson.mapper().readValue(json, AutoPurchaseRequested.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
