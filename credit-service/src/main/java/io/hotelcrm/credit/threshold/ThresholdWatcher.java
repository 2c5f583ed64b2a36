package io.hotelcrm.credit.threshold;

import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.contracts.credit.BalanceLow;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.account.LowBalanceLevel;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.platform.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Announces threshold crossings of a locked account's available credits, once per crossing:
 * BalanceLow when it falls to a lower level, AutoPurchaseRequested when it falls to the tenant's
 * threshold and no purchase is in flight. Rising above a level re-arms it.
 */
@ApplicationScoped
public class ThresholdWatcher {

    private final Outbox outbox;
    private final CreditConfig config;

    public ThresholdWatcher(Outbox outbox, CreditConfig config) {
        this.outbox = outbox;
        this.config = config;
    }

    /** After credits left the balance (capture, expiry, claw-back). */
    public Uni<Void> afterDecrease(CreditAccount account) {
        return announceLowBalance(account).chain(() -> requestAutoPurchase(account));
    }

    /** After credits arrived or a hold was released: re-arm what the account has climbed back above. */
    public Uni<Void> afterIncrease(CreditAccount account) {
        LowBalanceLevel level = level(account);
        if (level.ordinal() < account.lowBalanceLevel.ordinal()) {
            account.lowBalanceLevel = level;
        }
        if (account.available() > account.autoPurchaseThreshold) {
            account.autoPurchaseArmed = true;
        }
        return Uni.createFrom().voidItem();
    }

    /** The auto-purchase request's payment succeeded or failed: another may be requested. */
    public void autoPurchaseSettled(CreditAccount account, String requestId) {
        if (requestId != null && requestId.equals(account.autoPurchaseRequestId)) {
            account.autoPurchaseRequestId = null;
        }
    }

    private Uni<Void> announceLowBalance(CreditAccount account) {
        LowBalanceLevel level = level(account);
        if (level.ordinal() <= account.lowBalanceLevel.ordinal()) {
            return Uni.createFrom().voidItem();
        }
        account.lowBalanceLevel = level;
        long threshold = level == LowBalanceLevel.CRITICAL ? config.lowBalance().criticalBelow()
                : config.lowBalance().warningBelow();
        return outbox.publish(EventType.BalanceLow, account.tenantId, new BalanceLow(account.id.toString(),
                level.name(), account.available(), threshold, account.autoPurchaseEnabled)).replaceWithVoid();
    }

    private Uni<Void> requestAutoPurchase(CreditAccount account) {
        if (!account.autoPurchaseEnabled || !account.autoPurchaseArmed || account.autoPurchaseRequestId != null
                || account.available() > account.autoPurchaseThreshold) {
            return Uni.createFrom().voidItem();
        }
        String requestId = UUID.randomUUID().toString();
        account.autoPurchaseArmed = false;
        account.autoPurchaseRequestId = requestId;
        return outbox.publish(EventType.AutoPurchaseRequested, account.tenantId, new AutoPurchaseRequested(
                account.id.toString(), requestId, account.autoPurchasePackageId, account.autoPurchaseAmount,
                account.autoPurchaseThreshold, account.available())).replaceWithVoid();
    }

    private LowBalanceLevel level(CreditAccount account) {
        return LowBalanceLevel.of(account.available(), config.lowBalance().warningBelow(),
                config.lowBalance().criticalBelow());
    }
}
