package io.hotelcrm.alert.rule;

import io.hotelcrm.alert.config.AlertConfig;
import io.hotelcrm.alert.log.AlertDetail;
import io.hotelcrm.alert.log.AlertType;
import io.hotelcrm.alert.log.NewAlert;
import io.hotelcrm.alert.log.Severity;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.BalanceLow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * LOW_BALANCE (product.md §6): WARNING below 50, CRITICAL below 10 (credit-service decides the level
 * and announces each crossing), and at most one alert per account and level within 24 h.
 *
 * <p>Per level, not per account: a WARNING must not silence the CRITICAL that follows it an hour
 * later, when the hotel is about to be unable to use AI functions at all.
 */
@ApplicationScoped
public class LowBalanceRule {

    private final AlertRaiser raiser;
    private final AlertDedupe dedupe;
    private final AlertConfig config;

    public LowBalanceRule(AlertRaiser raiser, AlertDedupe dedupe, AlertConfig config) {
        this.raiser = raiser;
        this.dedupe = dedupe;
        this.config = config;
    }

    Uni<Void> balanceLow(EventEnvelope event) {
        BalanceLow low = event.dataAs(EventType.BalanceLow, BalanceLow.class);
        Severity severity = "CRITICAL".equals(low.severity()) ? Severity.CRITICAL : Severity.WARNING;
        String key = "alert-service:low-balance:" + low.accountId() + ":" + severity;
        // The claim is in the inbox's transaction with the alert: both commit, or neither.
        return dedupe.claim(key, config.lowBalance().repeatAfter())
                .chain(claimed -> claimed ? raiser.raise(alert(event, low, severity)).replaceWithVoid()
                        : Uni.createFrom().voidItem());
    }

    private static NewAlert alert(EventEnvelope event, BalanceLow low, Severity severity) {
        String message = "クレジット残高が少なくなっています: " + low.available() + " クレジット";
        String action = low.autoPurchaseEnabled() ? "自動購入が有効です" : "クレジット購入をお勧めします";
        return new NewAlert(event.tenantId(), AlertType.LOW_BALANCE, severity, "クレジット残高が少なくなっています", message,
                List.of(new AlertDetail("現在の残高", low.available() + " クレジット"),
                        new AlertDetail("通知の基準", low.threshold() + " クレジット未満"),
                        new AlertDetail("推奨アクション", action)),
                event.id());
    }
}
