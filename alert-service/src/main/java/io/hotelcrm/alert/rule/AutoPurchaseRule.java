package io.hotelcrm.alert.rule;

import io.hotelcrm.alert.log.AlertDetail;
import io.hotelcrm.alert.log.AlertType;
import io.hotelcrm.alert.log.NewAlert;
import io.hotelcrm.alert.log.Severity;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.billing.PaymentActionRequired;
import io.hotelcrm.contracts.credit.AutoPurchaseSuspended;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Auto-purchase never stops silently: every time it does not buy when the balance asked it to, the hotel's admins
 * are told what happened and what to do (AUTO_PURCHASE_FAILED, the type their channels already route).
 * <ul>
 *   <li>turned itself off after consecutive failures: CRITICAL;</li>
 *   <li>an off-session charge needs 3-D Secure: CRITICAL, with the link that confirms it;</li>
 *   <li>no answer to a request (released): HIGH;</li>
 *   <li>the monthly cap stops a purchase: WARNING.</li>
 * </ul>
 */
@ApplicationScoped
public class AutoPurchaseRule {

    private final AlertRaiser raiser;

    public AutoPurchaseRule(AlertRaiser raiser) {
        this.raiser = raiser;
    }

    Uni<Void> suspended(EventEnvelope event) {
        AutoPurchaseSuspended s = event.dataAs(EventType.AutoPurchaseSuspended, AutoPurchaseSuspended.class);
        List<AlertDetail> details = new ArrayList<>();
        NewAlert alert = switch (s.reason()) {
            case "CONSECUTIVE_FAILURES" -> {
                details.add(new AlertDetail("連続失敗回数", s.consecutiveFailures() + " 回"));
                if (s.lastFailureReason() != null) {
                    details.add(new AlertDetail("最後の失敗の理由", reason(s.lastFailureReason())));
                }
                details.add(new AlertDetail("推奨アクション", "管理画面の「お支払い方法」で保存済みのカードを確認・更新し、"
                        + "「自動購入」をもう一度オンにしてください。それまでは手動でクレジットを購入してください。"));
                yield new NewAlert(event.tenantId(), AlertType.AUTO_PURCHASE_FAILED, Severity.CRITICAL,
                        "自動購入を停止しました",
                        String.format("自動購入が %d 回続けて失敗したため、自動購入をオフにしました。カードを確認・更新してから"
                                + "自動購入をオンに戻してください。", s.consecutiveFailures()),
                        details, event.id());
            }
            case "NO_ANSWER" -> {
                if (s.lastFailureReason() != null) {
                    details.add(new AlertDetail("理由", reason(s.lastFailureReason())));
                }
                details.add(new AlertDetail("推奨アクション", "購入履歴で決済の状況をご確認ください。残高が不足する場合は"
                        + "手動でクレジットを購入してください。次に残高がしきい値を下回ったときに自動購入を再開します。"));
                yield new NewAlert(event.tenantId(), AlertType.AUTO_PURCHASE_FAILED, Severity.HIGH,
                        "自動購入の結果を確認できませんでした",
                        "自動購入の決済結果が時間内に確認できなかったため、この回の自動購入を取り消しました。二重に請求されることはありません。",
                        details, event.id());
            }
            default -> { // MONTHLY_CAP_REACHED
                if (s.capCredits() != null) {
                    details.add(new AlertDetail("月間上限（クレジット）", String.format("%,d クレジット", s.capCredits())));
                }
                if (s.capYen() != null) {
                    details.add(new AlertDetail("月間上限（金額）", String.format("¥%,d", s.capYen())));
                }
                details.add(new AlertDetail("今月の自動購入", String.format("%,d クレジット / ¥%,d", s.spentCredits(),
                        s.spentYen())));
                details.add(new AlertDetail("推奨アクション", "必要なら手動でクレジットを購入するか、「自動購入」の月間上限を"
                        + "引き上げてください。翌月1日に自動購入を再開します。"));
                yield new NewAlert(event.tenantId(), AlertType.AUTO_PURCHASE_FAILED, Severity.WARNING,
                        "自動購入の月間上限に達しました",
                        String.format("%s の自動購入が月間上限に達したため、今回は購入しませんでした。", s.month()),
                        details, event.id());
            }
        };
        return raiser.raise(alert).replaceWithVoid();
    }

    Uni<Void> actionRequired(EventEnvelope event) {
        PaymentActionRequired a = event.dataAs(EventType.PaymentActionRequired, PaymentActionRequired.class);
        List<AlertDetail> details = new ArrayList<>();
        details.add(new AlertDetail("金額", String.format("¥%,d", a.amountYen())));
        details.add(new AlertDetail("決済ID", a.paymentId()));
        details.add(new AlertDetail("本人認証を完了する", a.confirmUrl()));
        details.add(new AlertDetail("推奨アクション", "管理者アカウントでリンクを開き、カード会社の本人認証（3Dセキュア）を"
                + "完了してください。認証が終わるまでクレジットは追加されません。"));
        return raiser.raise(new NewAlert(event.tenantId(), AlertType.AUTO_PURCHASE_FAILED, Severity.CRITICAL,
                "自動購入の本人認証が必要です",
                "自動購入の決済にカード会社の本人認証（3Dセキュア）が必要です。次のリンクから認証を完了してください: "
                        + a.confirmUrl(),
                details, event.id())).replaceWithVoid();
    }

    private static String reason(String code) {
        return switch (code) {
            case "card_declined" -> "カードが拒否されました";
            case "expired_card" -> "カードの有効期限切れ";
            case "insufficient_funds" -> "カードの利用可能額不足";
            case "no_saved_card" -> "保存済みのカードがありません";
            case "no_matching_package" -> "設定したパッケージが販売されていません";
            case "price_changed" -> "パッケージの価格が変わりました（設定を保存し直してください）";
            case "authentication_not_completed" -> "本人認証（3Dセキュア）が期限内に完了しませんでした";
            case "no_answer" -> "決済サービスから応答がありませんでした";
            default -> code;
        };
    }
}
