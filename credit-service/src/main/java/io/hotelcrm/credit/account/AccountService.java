package io.hotelcrm.credit.account;

import io.hotelcrm.credit.ledger.Ledger;
import io.hotelcrm.credit.ledger.LedgerOp;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** The tenant's account for reading, opened (and brought up to date) by the ledger on first use. */
@ApplicationScoped
public class AccountService {

    private final Ledger ledger;

    public AccountService(Ledger ledger) {
        this.ledger = ledger;
    }

    /** The account as it is after the ledger has opened it, expired due grants and reset a new month. */
    public Uni<CreditAccount> accountOf(String tenantId) {
        return ledger.submit(new LedgerOp.Touch(tenantId))
                .chain(() -> Panache.withSession(() -> CreditAccount.findByTenant(tenantId)));
    }
}
