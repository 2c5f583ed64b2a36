package io.hotelcrm.alert.rule;

import io.hotelcrm.alert.log.AlertDetail;
import io.hotelcrm.alert.log.AlertType;
import io.hotelcrm.alert.log.NewAlert;
import io.hotelcrm.alert.log.Severity;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * PAYMENT_FAILED (HIGH) for a failed credit purchase; AUTO_PURCHASE_FAILED (CRITICAL, "urgent") when the
 * purchase was the automatic one. One failure gives one alert: the guide sends both for an automatic
 * purchase, but the urgent one says everything the other does and asks for the action.
 */
@ApplicationScoped
public class PaymentRule {

    static final String AUTO_PURCHASE = "auto_purchase";

    private final AlertRaiser raiser;

    public PaymentRule(AlertRaiser raiser) {
        this.raiser = raiser;
    }

    Uni<Void> paymentFailed(EventEnvelope event) {
        PaymentFailed failed = event.dataAs(EventType.PaymentFailed, PaymentFailed.class);
        boolean auto = AUTO_PURCHASE.equals(failed.source()) || failed.autoPurchaseRequestId() != null;
        List<AlertDetail> details = new ArrayList<>();
        details.add(new AlertDetail("金額", String.format("¥%,d", failed.amountYen())));
        if (failed.method() != null) {
            details.add(new AlertDetail("決済方法", failed.method()));
        }
        if (failed.reason() != null) {
            details.add(new AlertDetail("失敗の理由", failed.reason()));
        }
        if (failed.paymentId() != null) {
            details.add(new AlertDetail("決済ID", failed.paymentId()));
        }
        details.add(new AlertDetail("推奨アクション", auto
                ? "ダッシュボードからクレジットを手動で購入し、保存済みのお支払い方法をご確認ください"
                : "お支払い方法をご確認のうえ、再度ご購入ください"));
        NewAlert alert = auto
                ? new NewAlert(event.tenantId(), AlertType.AUTO_PURCHASE_FAILED, Severity.CRITICAL, "自動購入が失敗しました",
                        "自動購入が失敗しました。手動でクレジット購入を行ってください。", details, event.id())
                : new NewAlert(event.tenantId(), AlertType.PAYMENT_FAILED, Severity.HIGH, "決済が失敗しました",
                        "クレジット購入の決済が失敗しました", details, event.id());
        return raiser.raise(alert).replaceWithVoid();
    }
}
