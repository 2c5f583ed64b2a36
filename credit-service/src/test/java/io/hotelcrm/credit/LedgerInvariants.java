package io.hotelcrm.credit;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the ledger tables directly and checks the invariants of design.md §3. */
final class LedgerInvariants {

    private final AgroalDataSource db;

    LedgerInvariants(AgroalDataSource db) {
        this.db = db;
    }

    /** balance = Σ entries = Σ remaining grants; held = Σ pending holds; available ≥ 0; grants within bounds. */
    void assertHoldFor(String tenant) throws SQLException {
        long balance = single("select current_balance from ai_credit_accounts where tenant_id = ?", tenant);
        long held = single("select held_credits from ai_credit_accounts where tenant_id = ?", tenant);
        assertThat(balance).as("balance = Σ transactions").isEqualTo(single(
                "select coalesce(sum(t.credits_amount), 0) from ai_credit_transactions t join ai_credit_accounts a "
                        + "on a.id = t.account_id where a.tenant_id = ?", tenant));
        assertThat(balance).as("balance = Σ remaining grants").isEqualTo(single(
                "select coalesce(sum(g.remaining_credits), 0) from credit_grants g join ai_credit_accounts a "
                        + "on a.id = g.account_id where a.tenant_id = ?", tenant));
        assertThat(held).as("held = Σ pending holds").isEqualTo(single(
                "select coalesce(sum(h.amount), 0) from credit_holds h join ai_credit_accounts a "
                        + "on a.id = h.account_id where a.tenant_id = ? and h.status = 'PENDING'", tenant));
        assertThat(balance - held).as("available ≥ 0").isGreaterThanOrEqualTo(0);
        long owed = single("select owed_credits from ai_credit_accounts where tenant_id = ?", tenant);
        assertThat(owed).as("owed ≥ 0").isGreaterThanOrEqualTo(0);
        assertThat(owed).as("owed = Σ what each source still owes").isEqualTo(single(
                "select coalesce(sum(o.credits - o.settled - o.cancelled), 0) from owed_credit o join ai_credit_accounts a "
                        + "on a.id = o.account_id where a.tenant_id = ?", tenant));
        if (owed > 0) {
            assertThat(balance - held).as("nothing available while credits are owed").isZero();
        }
        assertThat(single("select count(*) from credit_grants g join ai_credit_accounts a on a.id = g.account_id "
                + "where a.tenant_id = ? and (g.remaining_credits < 0 or g.remaining_credits > g.original_credits)", tenant))
                .as("grants within 0..original").isZero();
        assertThat(single("select count(*) from (select t.reference_id from ai_credit_transactions t "
                + "join ai_credit_accounts a on a.id = t.account_id where a.tenant_id = ? and t.transaction_type = 'USAGE' "
                + "group by t.reference_id having count(*) > 1) x", tenant)).as("each hold captured at most once").isZero();
        assertThat(single("select count(*) from credit_holds h join ai_credit_accounts a on a.id = h.account_id "
                + "where a.tenant_id = ? and h.status = 'CAPTURED' and not exists (select 1 from ai_credit_transactions t "
                + "where t.id = h.capture_transaction_id)", tenant)).as("every capture has its entry").isZero();
    }

    long single(String sql, Object... args) throws SQLException {
        List<Long> values = column(sql, args);
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    List<Long> column(String sql, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        }
    }

    long rows(String table) throws SQLException {
        return single("select count(*) from " + table);
    }
}
