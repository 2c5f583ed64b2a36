package io.hotelcrm.alert.rule;

import io.hotelcrm.alert.log.AlertDetail;
import io.hotelcrm.alert.log.AlertType;
import io.hotelcrm.alert.log.NewAlert;
import io.hotelcrm.alert.log.Severity;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.CreditsGranted;
import io.hotelcrm.contracts.credit.MonthlyResetCompleted;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Informational notices: credits arriving on the account, the monthly reset. */
@ApplicationScoped
public class CreditNotices {

    private final AlertRaiser raiser;

    public CreditNotices(AlertRaiser raiser) {
        this.raiser = raiser;
    }

    Uni<Void> creditsAdded(EventEnvelope event) {
        CreditsGranted granted = event.dataAs(EventType.CreditsGranted, CreditsGranted.class);
        String title = "MONTHLY_FREE".equals(granted.source()) ? "無料クレジットが付与されました" : "クレジットが追加されました";
        String message = String.format("クレジットが追加されました: %,d クレジット（残高 %,d クレジット）",
                granted.credits(), granted.balanceAfter());
        List<AlertDetail> details = new ArrayList<>();
        details.add(new AlertDetail("追加されたクレジット", String.format("%,d クレジット", granted.credits())));
        details.add(new AlertDetail("追加後の残高", String.format("%,d クレジット", granted.balanceAfter())));
        details.add(new AlertDetail("種別", sourceLabel(granted.source())));
        if (granted.expiresAt() != null) {
            details.add(new AlertDetail("有効期限", granted.expiresAt().toString()));
        }
        return raiser.raise(new NewAlert(event.tenantId(), AlertType.CREDITS_ADDED, Severity.INFO, title, message, details,
                event.id())).replaceWithVoid();
    }

    Uni<Void> monthlyReset(EventEnvelope event) {
        MonthlyResetCompleted reset = event.dataAs(EventType.MonthlyResetCompleted, MonthlyResetCompleted.class);
        String message = String.format("%s の月次リセットが完了しました: 無料クレジット %,d クレジットを付与しました",
                reset.month(), reset.freeCreditsAdded());
        List<AlertDetail> details = new ArrayList<>(List.of(
                new AlertDetail("対象月", reset.month()),
                new AlertDetail("付与された無料クレジット", String.format("%,d クレジット", reset.freeCreditsAdded())),
                new AlertDetail("繰り越しクレジット", String.format("%,d クレジット", reset.carriedOver())),
                new AlertDetail("先月の使用量", String.format("%,d クレジット", reset.lastMonthUsage())),
                new AlertDetail("効率スコア", reset.efficiencyScore() + " / 100")));
        if (reset.mostUsedFunction() != null) {
            details.add(new AlertDetail("最も使用した機能", reset.mostUsedFunction()));
        }
        return raiser.raise(new NewAlert(event.tenantId(), AlertType.MONTHLY_RESET, Severity.INFO, "月次リセットが完了しました",
                message, details, event.id())).replaceWithVoid();
    }

    private static String sourceLabel(String source) {
        return switch (source == null ? "" : source) {
            case "MONTHLY_FREE" -> "月間無料クレジット";
            case "PURCHASE" -> "購入";
            case "BONUS" -> "ボーナス";
            case "REFUND" -> "返金";
            default -> String.valueOf(source);
        };
    }
}
