-- Which grants paid for an entry that took credits out (usage, expiry, refund, owed settlement), in burn
-- order: [{"source": "MONTHLY_FREE", "grantId": "…", "credits": 2}, …]. Shown on the receipt of the
-- dashboard's history; null for entries that add credits (their grant_id names the grant). JSON as text:
-- Hibernate Reactive maps jsonb only to JSON objects, and nothing queries inside it.
alter table ai_credit_transactions add column paid_from text;
