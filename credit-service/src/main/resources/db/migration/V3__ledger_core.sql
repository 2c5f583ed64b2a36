-- The ledger core (docs/design-decisions.md, "Ledger core"): the month an account was last reset, so
-- that every ledger operation can reset it lazily without a query, and indexes for the batch loads.

alter table ai_credit_accounts add column reset_month varchar(7);
update ai_credit_accounts a set reset_month = r.m
    from (select account_id, max(reset_month) m from monthly_credit_resets group by account_id) r
    where r.account_id = a.id;

-- The batch loads Σ pending holds per account to check held_credits against it.
create index credit_holds_pending_account on credit_holds (account_id) where status = 'PENDING';
-- The sweeper finds due grants without scanning every live grant.
create index credit_grants_due on credit_grants (expires_at) where remaining_credits > 0 and expires_at is not null;
-- Accounts whose month has not been reset yet, found by the reset job page by page.
create index ai_credit_accounts_reset_month on ai_credit_accounts (reset_month, id);
