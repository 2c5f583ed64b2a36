package io.hotelcrm.credit.billing;

import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.credit.account.AccountService;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.grant.GrantIssuer;
import io.hotelcrm.credit.grant.GrantService;
import io.hotelcrm.credit.grant.GrantService.NewGrant;
import io.hotelcrm.credit.grant.GrantSource;
import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.TransactionType;
import io.hotelcrm.credit.threshold.ThresholdWatcher;
import io.hotelcrm.platform.idempotency.RequestHash;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** What payments do to the ledger. Runs inside the inbox transaction of the event. */
@ApplicationScoped
public class PaymentEffects {

    private final GrantIssuer issuer;
    private final GrantService grants;
    private final AccountService accounts;
    private final ThresholdWatcher thresholds;

    public PaymentEffects(GrantIssuer issuer, GrantService grants, AccountService accounts, ThresholdWatcher thresholds) {
        this.issuer = issuer;
        this.grants = grants;
        this.accounts = accounts;
        this.thresholds = thresholds;
    }

    /** A paid purchase becomes a PURCHASE grant, once per payment id whatever the delivery count. */
    Uni<Void> succeeded(String tenantId, PaymentSucceeded paid) {
        String key = "payment:" + paid.paymentId();
        NewGrant grant = new NewGrant(GrantSource.PURCHASE, paid.credits(), null, paid.paymentId(),
                TransactionType.PURCHASE, key, RequestHash.of("payment", paid.paymentId(), paid.credits()), null,
                "クレジット購入 " + paid.credits() + " クレジット (" + paid.method() + ")");
        return issuer.issue(tenantId, grant, account -> {
            thresholds.autoPurchaseSettled(account, paid.autoPurchaseRequestId());
            return Uni.createFrom().voidItem();
        }).replaceWithVoid();
    }

    /** A failed auto-purchase frees the way for the next crossing; nothing else changes. */
    Uni<Void> failed(String tenantId, PaymentFailed failed) {
        if (failed.autoPurchaseRequestId() == null) {
            return Uni.createFrom().voidItem();
        }
        return accounts.accountOf(tenantId).chain(a -> CreditAccount.lock(a.id))
                .invoke(account -> thresholds.autoPurchaseSettled(account, failed.autoPurchaseRequestId()))
                .replaceWithVoid();
    }

    /** Claws back what is left of the refunded purchase; credits already spent stay spent. */
    Uni<Void> refunded(String tenantId, PaymentRefunded refund) {
        String key = "refund:" + refund.refundId();
        return accounts.accountOf(tenantId).chain(a -> CreditAccount.lock(a.id))
                .chain(account -> Ledger.byKey(account.id, key).chain(done -> done != null
                        ? Uni.createFrom().voidItem()
                        : grants.clawBack(account, refund.paymentId(), refund.credits(), key,
                                "返金によるクレジット取消 (" + refund.paymentId() + ")").replaceWithVoid()));
    }
}
