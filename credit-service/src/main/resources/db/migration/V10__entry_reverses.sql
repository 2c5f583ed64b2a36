-- Which refund or dispute hold-back a reversal gives back (issue 12; LedgerOp.Reverse): its source's ledger key
-- (refund:<step>, refund:dispute:<id>). A step that combined two refunds is reversed once per failed refund; each
-- reversal gives back only what the step took less what earlier reversals of it gave back, so the reversals of a
-- step never give back more than it took. Null on every other entry.
alter table ai_credit_transactions add column reverses_key varchar(200);
create index ai_credit_transactions_reverses on ai_credit_transactions (account_id, reverses_key)
    where reverses_key is not null;
