package io.hotelcrm.credit.threshold;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.contracts.credit.BalanceLow;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.account.LowBalanceLevel;
import io.hotelcrm.credit.ledger.AccountWork;
import io.hotelcrm.credit.plan.CreditConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Announces threshold crossings of an account's available credits, once per crossing: BalanceLow when
 * it falls to a lower level, AutoPurchaseRequested when it falls to the tenant's threshold and no
 * purchase is in flight. Rising above a level re-arms it. Runs inside the ledger's batch.
 */
@ApplicationScoped
public class ThresholdWatcher {

    private final CreditConfig config;

    public ThresholdWatcher(CreditConfig config) {
        this.config = config;
    }

    /** After credits left the balance (capture, expiry, claw-back). */
    public void afterDecrease(AccountWork work) {
        announceLowBalance(work);
        requestAutoPurchase(work);
    }

    /** After credits arrived or a hold was released: re-arm what the account has climbed back above. */
    public void afterIncrease(AccountWork work) {
        CreditAccount account = work.account();
        LowBalanceLevel level = level(account);
        if (level.ordinal() < account.lowBalanceLevel.ordinal()) {
            account.lowBalanceLevel = level;
            work.changed();
        }
        if (!account.autoPurchaseArmed && account.available() > account.autoPurchaseThreshold) {
            account.autoPurchaseArmed = true;
            work.changed();
        }
    }

    /** The auto-purchase request's payment succeeded or failed: another may be requested. */
    public void autoPurchaseSettled(AccountWork work, String requestId) {
        CreditAccount account = work.account();
        if (requestId != null && requestId.equals(account.autoPurchaseRequestId)) {
            account.autoPurchaseRequestId = null;
            work.changed();
        }
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

    private void requestAutoPurchase(AccountWork work) {
        CreditAccount account = work.account();
        if (!account.autoPurchaseEnabled || !account.autoPurchaseArmed || account.autoPurchaseRequestId != null
                || account.available() > account.autoPurchaseThreshold) {
            return;
        }
        String requestId = UUID.randomUUID().toString();
        account.autoPurchaseArmed = false;
        account.autoPurchaseRequestId = requestId;
        work.changed();
        work.publish(EventType.AutoPurchaseRequested, new AutoPurchaseRequested(account.id.toString(), requestId,
                account.autoPurchasePackageId, account.autoPurchaseAmount, account.autoPurchaseThreshold,
                account.available()));
    }

    private LowBalanceLevel level(CreditAccount account) {
        return LowBalanceLevel.of(account.available(), config.lowBalance().warningBelow(),
                config.lowBalance().criticalBelow());
    }
}
