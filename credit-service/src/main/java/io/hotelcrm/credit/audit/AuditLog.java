package io.hotelcrm.credit.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.ledger.LedgerTransaction;
import io.hotelcrm.platform.logging.RequestIds;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.MDC;

/** Writes the audit log, always inside the transaction of the change it records. */
@ApplicationScoped
public class AuditLog {

    static final String SOURCE = "credit-service";
    public static final String CREDIT_TRANSACTION = "CREDIT_TRANSACTION";
    public static final String SETTINGS_CHANGE = "SETTINGS_CHANGE";
    public static final String SECURITY = "SECURITY";

    private final ObjectMapper json;
    private final Clock clock;

    public AuditLog(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** The audit row of a ledger entry, with the balance before and after it (written by the ledger's batch). */
    public SystemEvent creditTransactionRow(CreditAccount account, LedgerTransaction tx, long balanceBefore,
                                            String requestId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("transaction_type", tx.type.name());
        data.put("credits_amount", tx.creditsAmount);
        data.put("ai_function_type", tx.functionType);
        data.put("execution_time_ms", tx.executionTimeMs);
        data.put("cost_per_credit", tx.costPerCredit);
        data.put("total_cost", tx.totalCostYen);
        data.put("reference_id", tx.referenceId);
        return row(account.tenantId, tx.userId, CREDIT_TRANSACTION, "ai_credit_transaction", tx.id.toString(),
                tx.type.name(), data, Map.of("balance", balanceBefore),
                Map.of("balance", account.currentBalance, "held", account.heldCredits), requestId);
    }

    /** The audit row of a settings change made inside a ledger batch. */
    public SystemEvent actionRow(String tenantId, String userId, String eventType, String entityType, String entityId,
                                 String action, Object before, Object after, String requestId) {
        return row(tenantId, userId, eventType, entityType, entityId, action, null, before, after, requestId);
    }

    /** The request id of the caller, to be handed to a ledger op (its batch runs outside the request). */
    public static String currentRequestId() {
        Object requestId = MDC.get(RequestIds.MDC_REQUEST_ID);
        return requestId == null ? null : requestId.toString();
    }

    private SystemEvent row(String tenantId, String userId, String eventType, String entityType, String entityId,
                            String action, Object data, Object before, Object after, String requestId) {
        SystemEvent e = new SystemEvent();
        e.id = UUID.randomUUID();
        e.tenantId = tenantId;
        e.userId = userId;
        e.eventType = eventType;
        e.sourceSystem = SOURCE;
        e.entityType = entityType;
        e.entityId = entityId;
        e.action = action;
        e.eventData = toJson(data);
        e.beforeData = toJson(before);
        e.afterData = toJson(after);
        e.requestId = requestId;
        e.occurredAt = clock.instant();
        return e;
    }

    private String toJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
