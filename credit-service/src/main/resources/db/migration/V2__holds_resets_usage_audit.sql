-- Holds, monthly resets, the daily usage roll-up and the audit log (design.md §3, product.md §4).

-- Two-phase reservations: reserve the worst case, capture the actual cost (<= amount) or release.
create table credit_holds (
    id                     uuid         primary key,
    account_id             uuid         not null references ai_credit_accounts (id),
    amount                 bigint       not null check (amount > 0),
    status                 varchar(10)  not null check (status in ('PENDING', 'CAPTURED', 'RELEASED', 'EXPIRED')),
    function_type          varchar(20)  not null,
    user_id                varchar(100),
    idempotency_key        varchar(200) not null,
    request_hash           varchar(64)  not null,
    expires_at             timestamptz  not null,
    created_at             timestamptz  not null,
    resolved_at            timestamptz,
    captured_amount        bigint       check (captured_amount > 0 and captured_amount <= amount),
    capture_transaction_id uuid,
    resolve_key            varchar(200),                -- idempotency key of the capture or release
    resolve_hash           varchar(64),
    available_after        bigint       not null,       -- as answered to the reserve (replays answer the same)
    resolve_available_after bigint,                      -- as answered to the capture or release
    constraint holds_idempotency unique (account_id, idempotency_key),
    constraint resolved_once check ((status = 'PENDING') = (resolved_at is null))
);
create index credit_holds_pending_expiry on credit_holds (expires_at) where status = 'PENDING';

-- Exactly one reset per account and tenant-local month.
create table monthly_credit_resets (
    id                  uuid         primary key,
    account_id          uuid         not null references ai_credit_accounts (id),
    reset_month         varchar(7)   not null,          -- e.g. 2026-12, in the tenant's time zone
    reset_date          timestamptz  not null,
    previous_balance    bigint       not null,
    free_credits_added  bigint       not null,
    carried_over        bigint       not null,
    last_month_usage    bigint       not null,
    most_used_function  varchar(20),
    efficiency_score    numeric(5, 2) not null,
    created_at          timestamptz  not null,
    constraint one_reset_per_month unique (account_id, reset_month)
);

-- Usage per tenant-local day and function, kept in the capture's transaction so reads stay fast.
create table daily_usage (
    account_id        uuid        not null references ai_credit_accounts (id),
    usage_date        date        not null,
    function_type     varchar(20) not null,
    credits           bigint      not null default 0,
    executions        bigint      not null default 0,
    releases          bigint      not null default 0,   -- holds released unused (failed or cancelled runs)
    execution_ms      bigint      not null default 0,
    primary key (account_id, usage_date, function_type)
);

-- The audit log (the guide's system_event): every credit change and security-relevant action.
create table system_events (
    id            uuid          primary key,
    tenant_id     varchar(64)   not null,
    user_id       varchar(100),
    event_type    varchar(40)   not null,
    source_system varchar(40)   not null,
    entity_type   varchar(60),
    entity_id     varchar(100),
    action        varchar(60)   not null,
    event_data    jsonb,
    before_data   jsonb,
    after_data    jsonb,
    ip_address    varchar(64),
    user_agent    varchar(500),
    request_id    varchar(100),
    occurred_at   timestamptz   not null
);
create index system_events_tenant_time on system_events (tenant_id, occurred_at);

-- Threshold state: events fire once per crossing, auto-purchase once while none is in flight.
alter table ai_credit_accounts
    add column low_balance_level        varchar(10)  not null default 'NONE'
        check (low_balance_level in ('NONE', 'WARNING', 'CRITICAL')),
    add column auto_purchase_armed      boolean      not null default true,
    add column auto_purchase_request_id varchar(64),
    add column pending_plan_type        varchar(20)
        check (pending_plan_type in ('ESSENTIAL', 'PROFESSIONAL', 'ENTERPRISE'));
