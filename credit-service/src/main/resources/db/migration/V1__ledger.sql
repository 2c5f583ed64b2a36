-- credit-service ledger (product.md §4, design.md §3). Amounts are whole credits (bigint); money is
-- whole yen. CHECK constraints are the last line of defence for the ledger invariants.

create table ai_credit_accounts (
    id                       uuid         primary key,
    tenant_id                varchar(64)  not null unique,
    plan_type                varchar(20)  not null check (plan_type in ('ESSENTIAL', 'PROFESSIONAL', 'ENTERPRISE')),
    monthly_free_credits     bigint       not null check (monthly_free_credits >= 0),
    time_zone                varchar(64)  not null default 'Asia/Tokyo',
    current_balance          bigint       not null default 0 check (current_balance >= 0), -- sum of remaining grants
    held_credits             bigint       not null default 0 check (held_credits >= 0),    -- sum of pending holds
    total_purchased          bigint       not null default 0 check (total_purchased >= 0),
    total_used               bigint       not null default 0 check (total_used >= 0),
    auto_purchase_enabled    boolean      not null default false,
    auto_purchase_threshold  bigint       not null default 50 check (auto_purchase_threshold >= 0),
    auto_purchase_amount     bigint       not null default 500 check (auto_purchase_amount > 0),
    auto_purchase_package_id varchar(64),
    created_at               timestamptz  not null,
    updated_at               timestamptz  not null,
    deleted_at               timestamptz,
    -- available = balance - held never goes below zero
    constraint available_not_negative check (held_credits <= current_balance)
);

-- Credit buckets: every credit comes from a grant; usage burns them by priority, expiry, age.
create table credit_grants (
    id                uuid         primary key,
    account_id        uuid         not null references ai_credit_accounts (id),
    source            varchar(20)  not null check (source in ('MONTHLY_FREE', 'PURCHASE', 'BONUS', 'REFUND')),
    original_credits  bigint       not null check (original_credits > 0),
    remaining_credits bigint       not null check (remaining_credits >= 0),
    priority          integer      not null,
    expires_at        timestamptz,
    reference         varchar(200),
    created_at        timestamptz  not null,
    constraint remaining_within_original check (remaining_credits <= original_credits)
);
create index credit_grants_burn_order on credit_grants (account_id, priority, expires_at, created_at)
    where remaining_credits > 0;

-- The ledger: history is append-only; a reversal is a new row, never an update.
create table ai_credit_transactions (
    id                 uuid          primary key,
    account_id         uuid          not null references ai_credit_accounts (id),
    transaction_type   varchar(20)   not null check (transaction_type in
                           ('USAGE', 'PURCHASE', 'MONTHLY_RESET', 'BONUS', 'REFUND', 'EXPIRY', 'ADJUSTMENT')),
    credits_amount     bigint        not null,            -- signed: grants positive, usage and expiry negative
    balance_after      bigint        not null check (balance_after >= 0),
    ai_function_type   varchar(20),
    ai_function_params jsonb,
    execution_time_ms  integer,
    cost_per_credit    numeric(12, 4),                    -- yen per credit, informational
    total_cost_yen     bigint,
    user_id            varchar(100),
    description        varchar(500),
    reference_id       varchar(200),
    grant_id           uuid          references credit_grants (id),
    idempotency_key    varchar(200),
    request_hash       varchar(64),
    created_at         timestamptz   not null,
    constraint transactions_idempotency unique (account_id, idempotency_key)
);
create index ai_credit_transactions_account_date on ai_credit_transactions (account_id, created_at);
create index ai_credit_transactions_function on ai_credit_transactions (ai_function_type);
create index ai_credit_transactions_type on ai_credit_transactions (transaction_type);
create index ai_credit_transactions_user_date on ai_credit_transactions (user_id, created_at);
