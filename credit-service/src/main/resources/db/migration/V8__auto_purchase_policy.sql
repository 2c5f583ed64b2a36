-- Auto top-up that never surprises (issue 12, gap 6): two modes, the package validated against billing's catalogue
-- when the settings are saved, a monthly cap, the in-flight request kept whole so that it can be sent again with the
-- same request id (billing's Stripe idempotency key) when no answer comes, and the failures in a row that turn it off.
alter table ai_credit_accounts
    add column auto_purchase_mode          varchar(8)  not null default 'FIXED'
        check (auto_purchase_mode in ('FIXED', 'TOP_UP')),
    -- TOP_UP: buy as many packages as bring available credits to at least this
    add column auto_purchase_target        bigint      check (auto_purchase_target > 0),
    -- The package as the catalogue showed it at save time; null on settings saved before this migration
    add column auto_purchase_package_credits bigint    check (auto_purchase_package_credits > 0),
    add column auto_purchase_package_yen   bigint      check (auto_purchase_package_yen >= 0),
    -- The monthly cap (tenant-local month), in credits and/or yen tax included; null = no cap
    add column auto_purchase_cap_credits   bigint      check (auto_purchase_cap_credits > 0),
    add column auto_purchase_cap_yen       bigint      check (auto_purchase_cap_yen > 0),
    -- What auto-purchase requested this month (requests that failed are taken back out; unanswered ones stay)
    add column auto_purchase_month         varchar(7),
    add column auto_purchase_month_credits bigint      not null default 0,
    add column auto_purchase_month_yen     bigint      not null default 0,
    -- The month whose cap stop was announced (once a month)
    add column auto_purchase_cap_notified  varchar(7),
    -- The request in flight (auto_purchase_request_id), as sent, with when it was last sent
    add column auto_purchase_request       text,
    add column auto_purchase_requested_at  timestamptz,
    add column auto_purchase_failures      integer     not null default 0,
    add column auto_purchase_last_failure  varchar(64);

-- The overdue-request job reads only accounts with a request in flight.
create index ai_credit_accounts_auto_purchase_in_flight on ai_credit_accounts (auto_purchase_requested_at)
    where auto_purchase_request_id is not null;

-- A request in flight from before: released after one answer timeout if no answer comes (its body was not kept).
update ai_credit_accounts set auto_purchase_requested_at = now() where auto_purchase_request_id is not null;
