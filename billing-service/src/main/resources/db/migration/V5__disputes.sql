-- Disputes (chargebacks), issue 12 gap 3. One row per Stripe dispute, keyed by its id. Stripe's events about it
-- (charge.dispute.created, .funds_withdrawn, .funds_reinstated, .closed) come in any order and more than once, so
-- each only records a fact (the *_at / closed_status columns, set once); what the credits should be follows from the
-- facts (see Disputes): held back once funds were withdrawn or the dispute was lost, given back once when it was won
-- or the funds reinstated. held_at and returned_at mark the two effects, each published once through the outbox.
create table dispute (
    dispute_id         varchar(100) primary key,
    charge_id          varchar(100) not null,
    payment_intent_id  varchar(100),
    purchase_id        uuid         references purchase (id),
    amount_yen         bigint       not null check (amount_yen >= 0),
    created_at         timestamptz  not null,
    updated_at         timestamptz  not null,
    funds_withdrawn_at timestamptz,
    reinstated_at      timestamptz,
    closed_status      varchar(30),
    held_yen           bigint       not null default 0 check (held_yen >= 0),
    held_credits       bigint       not null default 0 check (held_credits >= 0),
    held_at            timestamptz,
    returned_at        timestamptz,
    constraint dispute_returned_after_held check (returned_at is null or held_at is not null)
);
create index dispute_by_purchase on dispute (purchase_id);
create index dispute_by_payment_intent on dispute (payment_intent_id);
create index dispute_by_charge on dispute (charge_id);

-- The outcome of the purchase's latest closed dispute (won, lost, warning_closed); null while none is closed.
alter table purchase add column dispute_status varchar(30);
