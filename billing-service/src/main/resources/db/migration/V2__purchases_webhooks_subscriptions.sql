-- billing-service: Stripe customers, purchases, processed webhook events, subscriptions (design.md §2).
-- Amounts are whole yen (zero-decimal in Stripe).

-- One Stripe customer per tenant, with the saved default card used off-session (stored_card, auto-purchase).
create table stripe_customer (
    tenant_id                 varchar(64)  primary key,
    customer_id               varchar(100) not null unique,
    email                     varchar(254),
    default_payment_method_id varchar(100),
    default_card_brand        varchar(30),
    default_card_last4        varchar(4),
    created_at                timestamptz  not null,
    updated_at                timestamptz  not null
);

-- A credit purchase and its payment state machine:
--   PENDING -> REQUIRES_ACTION | AWAITING_PAYMENT | SUCCEEDED | FAILED;  REQUIRES_ACTION/AWAITING_PAYMENT/FAILED -> SUCCEEDED | FAILED
--   SUCCEEDED is final: a failure reported after it changes nothing (out-of-order webhooks).
create table purchase (
    id                       uuid         primary key,
    tenant_id                varchar(64)  not null,
    package_id               varchar(64)  not null references ai_credit_packages (id),
    credits                  bigint       not null check (credits > 0),
    price_yen                bigint       not null check (price_yen > 0),
    tax_yen                  bigint       not null check (tax_yen >= 0),
    amount_yen               bigint       not null,
    method                   varchar(20)  not null check (method in ('stripe', 'stored_card', 'invoice')),
    source                   varchar(30)  not null check (source in ('dashboard', 'auto_purchase', 'low_balance_prompt')),
    status                   varchar(20)  not null check (status in ('PENDING', 'REQUIRES_ACTION', 'AWAITING_PAYMENT', 'SUCCEEDED', 'FAILED')),
    payment_method_id        varchar(100),
    payment_intent_id        varchar(100) unique,
    invoice_id               varchar(100) unique,
    client_secret            varchar(300),
    hosted_invoice_url       varchar(500),
    invoice_due_at           timestamptz,
    failure_code             varchar(100),
    failure_message          varchar(500),
    refunded_yen             bigint       not null default 0,
    refunded_credits         bigint       not null default 0,
    disputed_at              timestamptz,
    idempotency_key          varchar(200),
    request_hash             varchar(64),
    auto_purchase_request_id varchar(100) unique,
    user_id                  varchar(200),
    created_at               timestamptz  not null,
    updated_at               timestamptz  not null,
    paid_at                  timestamptz,
    constraint purchase_amount check (amount_yen = price_yen + tax_yen),
    constraint purchase_refund check (refunded_yen between 0 and amount_yen and refunded_credits between 0 and credits),
    constraint purchase_paid_at check ((status = 'SUCCEEDED') = (paid_at is not null)),
    constraint purchase_idempotency unique (tenant_id, idempotency_key)
);
create index purchase_by_tenant on purchase (tenant_id, created_at desc, id desc);
create index purchase_pending on purchase (created_at) where status = 'PENDING';

-- At most one PaymentSucceeded per payment, ever: written with the outbox row in the same transaction.
create table payment_grant (
    payment_id  varchar(100) primary key,
    purchase_id uuid         not null unique references purchase (id),
    event_id    uuid         not null unique,
    created_at  timestamptz  not null default now()
);

-- Each Stripe event id is processed once (inserted in the transaction of its effect).
create table stripe_webhook_event (
    event_id          varchar(100) primary key,
    type              varchar(100) not null,
    stripe_created_at timestamptz  not null,
    received_at       timestamptz  not null default now(),
    outcome           varchar(30)  not null,
    payload           text         not null
);

-- The tenant's CRM plan subscription. announced_plan is the plan last published as PlanChanged;
-- stripe_event_at the creation time of the newest Stripe event applied (older ones are ignored).
create table subscription (
    tenant_id       varchar(64)  primary key,
    subscription_id varchar(100) not null unique,
    item_id         varchar(100),
    plan_type       varchar(20)  not null check (plan_type in ('ESSENTIAL', 'PROFESSIONAL', 'ENTERPRISE')),
    status          varchar(30)  not null,
    announced_plan  varchar(20),
    stripe_event_at timestamptz,
    created_at      timestamptz  not null,
    updated_at      timestamptz  not null
);

-- Stripe objects made once for the whole account (e.g. the 10 % consumption tax rate).
create table stripe_reference (
    name       varchar(100) primary key,
    stripe_id  varchar(100) not null,
    created_at timestamptz  not null default now()
);
