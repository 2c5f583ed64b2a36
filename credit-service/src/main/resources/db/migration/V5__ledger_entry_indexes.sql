-- Every query of the ledger table names its account (history, analytics, audit report, replays), and
-- the (account_id, created_at) and (account_id, idempotency_key) indexes serve them all. These three
-- never served a query; each cost an index insert per ledger entry on the hot path (capture) and, at
-- 10 million entries, 470 MB (docs/benchmarks.md).
drop index if exists ai_credit_transactions_function;
drop index if exists ai_credit_transactions_type;
drop index if exists ai_credit_transactions_user_date;
