-- Refunds that fail after they succeeded (charge.refund.updated / refund.failed with status failed or canceled;
-- docs/design-decisions.md, "Refunds in billing-service"). Each refund step billing published as PaymentRefunded
-- (step_id = its refundId) is recorded with its credits, so that a failed refund is given back by the step(s) that
-- took it (the newest first) and never more than a step took; each failed Stripe refund once (refund_failure).
create table refund_step (
    step_id          varchar(200) primary key,
    purchase_id      uuid         not null references purchase (id),
    yen              bigint       not null check (yen >= 0),
    credits          bigint       not null check (credits >= 0),
    reversed_yen     bigint       not null default 0 check (reversed_yen >= 0 and reversed_yen <= yen),
    reversed_credits bigint       not null default 0 check (reversed_credits >= 0 and reversed_credits <= credits),
    created_at       timestamptz  not null
);
create index refund_step_purchase on refund_step (purchase_id, created_at);
create table refund_failure (
    refund_id   varchar(200) primary key,
    purchase_id uuid         not null references purchase (id),
    yen         bigint       not null check (yen >= 0),
    credits     bigint       not null check (credits >= 0),
    event_id    varchar(255) not null,
    received_at timestamptz  not null
);
-- After a failure the charge's cumulative refunded amount goes down, so later steps would repeat an earlier step's
-- id (<charge>:<cumulative yen>); from the first failure on, step ids carry the number of failures as a suffix.
alter table purchase add column refund_failures integer not null default 0;
