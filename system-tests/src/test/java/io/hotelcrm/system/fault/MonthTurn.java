package io.hotelcrm.system.fault;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * Turns an account's month, so the monthly reset runs during the load. The packaged jars run on the wall
 * clock, which cannot be moved from outside, so instead the account's opening month is relabelled as last
 * month: its reset row, the key of its opening MONTHLY_RESET entry and its reset_month marker — in one
 * transaction under the account's row lock, the lock the ledger takes too. No balance, entry amount or grant
 * amount changes, so every ledger invariant holds before and after; what follows (the reset job or the next
 * request finding the account due, granting the month's free credits once and announcing
 * MonthlyResetCompleted) is the services' own code under the faults.
 */
final class MonthTurn {

    private MonthTurn() {
    }

    /** True when the account was opened this month and is now due for this month's reset. */
    static boolean turn(Connection c, String tenant) throws SQLException {
        c.setAutoCommit(false);
        try {
            String accountId;
            String zone;
            String marker;
            try (PreparedStatement ps = c.prepareStatement(
                    "select id, time_zone, reset_month from ai_credit_accounts where tenant_id = ? for update")) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        c.rollback();
                        return false;
                    }
                    accountId = rs.getString(1);
                    zone = rs.getString(2);
                    marker = rs.getString(3);
                }
            }
            YearMonth now = YearMonth.now(ZoneId.of(zone));
            if (!now.toString().equals(marker)) {
                c.rollback();
                return false;
            }
            String prev = now.minusMonths(1).toString();
            update(c, "update monthly_credit_resets set reset_month = ? where account_id = ?::uuid and reset_month = ?",
                    prev, accountId, now.toString());
            update(c, "update ai_credit_transactions set idempotency_key = ? where account_id = ?::uuid and idempotency_key = ?",
                    "monthly-free:" + prev, accountId, "monthly-free:" + now);
            update(c, "update credit_grants set reference = ? where account_id = ?::uuid and source = 'MONTHLY_FREE' "
                    + "and reference = ?", prev, accountId, now.toString());
            update(c, "update ai_credit_accounts set reset_month = ? where id = ?::uuid", prev, accountId, null);
            c.commit();
            return true;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }

    private static void update(Connection c, String sql, String a, String b, String d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, a);
            ps.setString(2, b);
            if (d != null) {
                ps.setString(3, d);
            }
            ps.executeUpdate();
        }
    }
}
