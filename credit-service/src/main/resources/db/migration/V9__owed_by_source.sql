-- Owed credits by their source (issue 12, "Money events"): one row per refund or dispute hold-back whose credits
-- could not all be taken back at once (pending holds reserved them), keyed by that refund's ledger key
-- (refund:<refund id>, refund:dispute:<dispute id>). settled is what later grants and releases paid of it, cancelled
-- what a won dispute or a failed refund took off it; ai_credit_accounts.owed_credits stays the account's total,
-- Σ (credits − settled − cancelled) of its rows, checked by the ledger in every transaction. Only LedgerStore writes
-- these rows, under the account's row lock.
create table owed_credit (
    account_id uuid         not null references ai_credit_accounts (id),
    source_key varchar(200) not null,
    payment_id varchar(200),
    credits    bigint       not null check (credits > 0),
    settled    bigint       not null default 0 check (settled >= 0),
    cancelled  bigint       not null default 0 check (cancelled >= 0),
    created_at timestamptz  not null,
    primary key (account_id, source_key),
    check (settled + cancelled <= credits)
);
create index owed_credit_open on owed_credit (account_id, created_at) where settled + cancelled < credits;
-- Credits owed before this migration have no known source: one row per account, settled like the others, never
-- cancelled by a reversal.
insert into owed_credit (account_id, source_key, payment_id, credits, created_at)
select id, 'unattributed', null, owed_credits, now() from ai_credit_accounts where owed_credits > 0;
