package io.hotelcrm.alert.rule;

import io.hotelcrm.alert.log.AlertLogService;
import io.hotelcrm.alert.log.AlertType;
import io.hotelcrm.alert.log.Severity;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.CreditsGranted;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Informational notices about credits arriving on the account. */
@ApplicationScoped
public class CreditNotices {

    private final AlertLogService log;

    public CreditNotices(AlertLogService log) {
        this.log = log;
    }

    Uni<Void> creditsAdded(EventEnvelope event) {
        CreditsGranted granted = event.dataAs(EventType.CreditsGranted, CreditsGranted.class);
        String title = "MONTHLY_FREE".equals(granted.source()) ? "無料クレジットが付与されました" : "クレジットが追加されました";
        String message = String.format("クレジットが追加されました: %,d クレジット（残高 %,d クレジット）",
                granted.credits(), granted.balanceAfter());
        return log.record(event.tenantId(), AlertType.CREDITS_ADDED, Severity.INFO, title, message,
                event.data().toString(), event.id()).replaceWithVoid();
    }
}
