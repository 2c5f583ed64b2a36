package io.hotelcrm.alert.rule;

import io.hotelcrm.alert.config.AlertConfig;
import io.hotelcrm.alert.log.AlertDetail;
import io.hotelcrm.alert.log.AlertType;
import io.hotelcrm.alert.log.NewAlert;
import io.hotelcrm.alert.log.Severity;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.gateway.SecurityEventRaised;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SUSPICIOUS_ACTIVITY from the gateway's security events: a BLOCKED request is CRITICAL, a LOGGED one
 * at or above the minimum score HIGH. A user hammering the gateway yields one alert per user and
 * outcome an hour, not one per request.
 */
@ApplicationScoped
public class SecurityRule {

    static final Duration REPEAT_AFTER = Duration.ofHours(1);

    private final AlertRaiser raiser;
    private final AlertDedupe dedupe;
    private final AlertConfig config;

    public SecurityRule(AlertRaiser raiser, AlertDedupe dedupe, AlertConfig config) {
        this.raiser = raiser;
        this.dedupe = dedupe;
        this.config = config;
    }

    Uni<Void> securityEvent(EventEnvelope event) {
        SecurityEventRaised raised = event.dataAs(EventType.SecurityEventRaised, SecurityEventRaised.class);
        boolean blocked = "BLOCKED".equals(raised.action());
        if (!blocked && raised.score() < config.security().minScore()) {
            return Uni.createFrom().voidItem();
        }
        String key = "alert-service:security:" + event.tenantId() + ":" + raised.userId() + ":" + raised.action();
        return dedupe.claim(key, REPEAT_AFTER)
                .chain(claimed -> claimed ? raiser.raise(alert(event, raised, blocked)).replaceWithVoid()
                        : Uni.createFrom().voidItem());
    }

    private static NewAlert alert(EventEnvelope event, SecurityEventRaised raised, boolean blocked) {
        String message = blocked
                ? "不審なアクティビティを検知したため、AI機能の利用を一時的に制限しました（異常スコア " + raised.score() + "）"
                : "不審なアクティビティを検知しました（異常スコア " + raised.score() + "）";
        List<AlertDetail> details = new ArrayList<>();
        details.add(new AlertDetail("ユーザー", String.valueOf(raised.userId())));
        details.add(new AlertDetail("種別", String.valueOf(raised.kind())));
        details.add(new AlertDetail("異常スコア", raised.score() + " / 100"));
        details.add(new AlertDetail("対応", blocked ? "利用を一時制限（403 SUSPICIOUS_ACTIVITY）" : "記録のみ"));
        if (raised.details() != null) {
            raised.details().forEach((k, v) -> details.add(new AlertDetail(k, v)));
        }
        return new NewAlert(event.tenantId(), AlertType.SUSPICIOUS_ACTIVITY, blocked ? Severity.CRITICAL : Severity.HIGH,
                "不審なアクティビティを検知しました", message, details, event.id());
    }
}
