-- Owed credits (docs/design-decisions.md, "Owed credits"): the part of a refund that could not be taken back
-- at once because pending holds reserved it. Settled from what becomes available next; while anything is
-- owed, nothing is available.
alter table ai_credit_accounts add column owed_credits bigint not null default 0 check (owed_credits >= 0);
