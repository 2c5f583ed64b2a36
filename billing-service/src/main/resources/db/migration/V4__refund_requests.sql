-- The admin refund API (issue 12).

-- A refund asked for through POST /api/v1/billing/purchases/{id}/refund. The Stripe refund is created with the
-- idempotency key refund-<id>, so a retry of the same request never refunds twice; the credits come back out
-- through charge.refunded like any refund made in the Stripe dashboard.
--   requested -> pending | requires_action | succeeded | failed | canceled (Stripe's refund status), or rejected
create table refund_request (
    id               uuid         primary key,
    tenant_id        varchar(64)  not null,
    purchase_id      uuid         not null references purchase (id),
    idempotency_key  varchar(200) not null,
    request_hash     varchar(64)  not null,
    amount_yen       bigint       not null check (amount_yen > 0),
    credits          bigint       not null check (credits >= 0),
    status           varchar(20)  not null check (status in ('requested', 'pending', 'requires_action', 'succeeded',
                                                             'failed', 'canceled', 'rejected')),
    stripe_refund_id varchar(100) unique,
    failure_code     varchar(100),
    failure_message  varchar(500),
    user_id          varchar(200),
    created_at       timestamptz  not null,
    updated_at       timestamptz  not null,
    constraint refund_request_idempotency unique (tenant_id, idempotency_key)
);
create index refund_request_by_purchase on refund_request (purchase_id);
