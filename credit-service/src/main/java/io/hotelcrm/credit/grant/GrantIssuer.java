package io.hotelcrm.credit.grant;

import io.hotelcrm.credit.account.AccountService;
import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.grant.GrantService.NewGrant;
import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerTransaction;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Function;

/**
 * Adds a grant exactly once per idempotency key (a payment id, an admin action id): a replay answers
 * the ledger entry of the first call; the same key with other content is 409 IDEMPOTENCY_CONFLICT.
 */
@ApplicationScoped
public class GrantIssuer {

    private final AccountService accounts;
    private final GrantService grants;

    public GrantIssuer(AccountService accounts, GrantService grants) {
        this.accounts = accounts;
        this.grants = grants;
    }

    /** Opens the account if needed, then grants in one transaction. */
    public Uni<LedgerTransaction> issue(String tenantId, NewGrant grant) {
        return issue(tenantId, grant, account -> Uni.createFrom().voidItem());
    }

    /**
     * Like {@link #issue(String, NewGrant)}, running {@code alsoOnFirst} on the locked account in the
     * same transaction when the grant is new (e.g. settling an auto-purchase).
     */
    public Uni<LedgerTransaction> issue(String tenantId, NewGrant grant, Function<CreditAccount, Uni<Void>> alsoOnFirst) {
        return accounts.accountOf(tenantId).chain(opened -> Panache.withTransaction(() ->
                CreditAccount.lock(opened.id).chain(account -> Ledger.byKey(account.id, grant.idempotencyKey())
                        .chain(existing -> {
                            if (existing != null) {
                                if (!existing.requestHash.equals(grant.requestHash())) {
                                    throw ApiException.idempotencyConflict(grant.idempotencyKey());
                                }
                                return Uni.createFrom().item(existing);
                            }
                            return alsoOnFirst.apply(account).chain(() -> grants.addGrant(account, grant));
                        }))));
    }
}
