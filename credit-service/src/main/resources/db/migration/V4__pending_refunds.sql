-- A refund whose payment has not been granted yet (events out of order, the payment still being retried):
-- kept here, with the inbox mark of its event in the same transaction, and applied once the payment's grant
-- exists (io.hotelcrm.credit.billing.PendingRefunds). Deleted when applied; the ledger entry's key
-- refund:<refund id> makes applying it twice impossible.
create table pending_refund (
    tenant_id   varchar(100) not null,
    refund_id   varchar(200) not null,
    payment_id  varchar(200) not null,
    credits     bigint       not null check (credits >= 0),
    description varchar(500) not null,
    received_at timestamptz  not null default now(),
    primary key (tenant_id, refund_id)
);
create index pending_refund_payment on pending_refund (tenant_id, payment_id);
