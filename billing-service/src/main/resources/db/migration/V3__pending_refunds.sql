-- Refunds for every payment method (issue 12, gap 4).

-- The charge that paid a purchase, as Stripe names it: a refund (charge.refunded) names its charge and, when
-- there is one, its PaymentIntent. Card purchases know their PaymentIntent from the start; invoice purchases
-- learn PaymentIntent and charge when the invoice is paid (its InvoicePayment).
alter table purchase add column charge_id varchar(100) unique;

-- A refund step Stripe reported (charge.refunded carries the charge's cumulative amount_refunded) whose payment
-- is not known or not paid yet: webhooks come in any order, so the refund of an invoice may arrive before
-- invoice.paid. It waits here and is applied, in the transaction that makes the purchase paid or teaches it its
-- PaymentIntent, under the same advisory lock on the payment's ids (see Refunds). applied_at marks it applied.
create table pending_refund (
    charge_id         varchar(100) not null,
    refunded_yen      bigint       not null check (refunded_yen > 0),
    payment_intent_id varchar(100),
    invoice_id        varchar(100),
    purchase_id       uuid         references purchase (id),
    event_id          varchar(100) not null,
    received_at       timestamptz  not null,
    applied_at        timestamptz,
    primary key (charge_id, refunded_yen)
);
create index pending_refund_open on pending_refund (received_at) where applied_at is null;
