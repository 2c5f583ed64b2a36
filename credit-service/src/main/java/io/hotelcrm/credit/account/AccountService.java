package io.hotelcrm.credit.account;

import io.hotelcrm.credit.reset.ResetService;
import io.hotelcrm.credit.plan.CreditConfig;
import io.hotelcrm.credit.plan.PlanType;
import io.hotelcrm.platform.persistence.Constraints;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/** Opens accounts on first use, with the plan's free credits for the current month. */
@ApplicationScoped
public class AccountService {

    private final CreditConfig config;
    private final ResetService resets;
    private final Clock clock;

    public AccountService(CreditConfig config, ResetService resets, Clock clock) {
        this.config = config;
        this.resets = resets;
        this.clock = clock;
    }

    /**
     * The tenant's account, opened now if it does not exist. Two first requests racing both try to
     * insert; the loser hits the unique tenant constraint, rolls back and reads the winner's account.
     */
    public Uni<CreditAccount> accountOf(String tenantId) {
        return Panache.withTransaction(() -> CreditAccount.findByTenant(tenantId)
                        .chain(found -> found != null ? Uni.createFrom().item(found) : open(tenantId)))
                .onFailure(Constraints::isUniqueViolation).retry().atMost(2);
    }

    private Uni<CreditAccount> open(String tenantId) {
        PlanType plan = config.defaultPlan();
        ZoneId zone = config.defaultTimeZone();
        Instant now = clock.instant();
        CreditAccount account = new CreditAccount();
        account.id = UUID.randomUUID();
        account.tenantId = tenantId;
        account.planType = plan;
        account.monthlyFreeCredits = config.plan(plan).monthlyFreeCredits();
        account.timeZone = zone.getId();
        account.autoPurchaseThreshold = 50;
        account.autoPurchaseAmount = 500;
        account.createdAt = now;
        account.updatedAt = now;
        // The opening month's free credits are that month's reset, so the scheduler never grants them twice.
        return account.persistAndFlush().chain(() -> resets.resetLocked(account, false)).replaceWith(account);
    }
}
