package io.hotelcrm.credit.threshold;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.BalanceLow;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.account.LowBalanceLevel;
import io.hotelcrm.credit.autopurchase.AutoPurchasePolicy;
import io.hotelcrm.credit.ledger.AccountWork;
import io.hotelcrm.credit.plan.CreditConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Announces threshold crossings of an account's available credits, once per crossing: BalanceLow when
 * it falls to a lower level (rising above it re-arms it), and hands the auto-purchase threshold to
 * {@link AutoPurchasePolicy}. Runs inside the ledger's batch.
 */
@ApplicationScoped
public class ThresholdWatcher {

    private final CreditConfig config;
    private final AutoPurchasePolicy autoPurchase;

    public ThresholdWatcher(CreditConfig config, AutoPurchasePolicy autoPurchase) {
        this.config = config;
        this.autoPurchase = autoPurchase;
    }

    /** After credits left the balance (capture, expiry, claw-back). */
    public void afterDecrease(AccountWork work) {
        announceLowBalance(work);
        autoPurchase.afterDecrease(work);
    }

    /** After credits arrived or a hold was released: re-arm what the account has climbed back above. */
    public void afterIncrease(AccountWork work) {
        CreditAccount account = work.account();
        LowBalanceLevel level = level(account);
        if (level.ordinal() < account.lowBalanceLevel.ordinal()) {
            account.lowBalanceLevel = level;
            work.changed();
        }
        autoPurchase.afterIncrease(work);
    }

    private void announceLowBalance(AccountWork work) {
        CreditAccount account = work.account();
        LowBalanceLevel level = level(account);
        if (level.ordinal() <= account.lowBalanceLevel.ordinal()) {
            return;
        }
        account.lowBalanceLevel = level;
        work.changed();
        long threshold = level == LowBalanceLevel.CRITICAL ? config.lowBalance().criticalBelow()
                : config.lowBalance().warningBelow();
        work.publish(EventType.BalanceLow, new BalanceLow(account.id.toString(), level.name(), account.available(),
                threshold, account.autoPurchaseEnabled));
    }

    private LowBalanceLevel level(CreditAccount account) {
        return LowBalanceLevel.of(account.available(), config.lowBalance().warningBelow(),
                config.lowBalance().criticalBelow());
    }
}
