-- A refund that fails before billing counted it (issue 12; docs/design-decisions.md, "A refund that fails after it
-- succeeded"). charge.refunded is a snapshot of the charge's cumulative amount_refunded at the event's time; a failed
-- refund is in that amount exactly when it was created at or before the snapshot and failed after it. Billing keeps
-- every snapshot it applied and every failure it heard of (even of a purchase it does not know yet), and counts as
-- refunded the largest snapshot less the failed refunds it contains: the same number whatever order the webhooks came in.
create table refund_snapshot (
    charge_id    varchar(100) not null,
    refunded_yen bigint       not null check (refunded_yen >= 0),
    snapshot_at  timestamptz  not null,
    purchase_id  uuid         not null references purchase (id),
    primary key (charge_id, refunded_yen, snapshot_at)
);
create index refund_snapshot_purchase on refund_snapshot (purchase_id);
-- What billing counted before snapshots were kept: one snapshot at the purchase's last change.
insert into refund_snapshot (charge_id, refunded_yen, snapshot_at, purchase_id)
select coalesce(charge_id, 'purchase:' || id), refunded_yen, updated_at, id from purchase where refunded_yen > 0;

-- A failure is recorded when it arrives, matched to snapshots by its charge; yen/credits stay what it gave back then.
alter table refund_failure alter column purchase_id drop not null;
alter table refund_failure add column charge_id varchar(100);
alter table refund_failure add column refund_yen bigint check (refund_yen > 0);
alter table refund_failure add column refund_created_at timestamptz;
alter table refund_failure add column failed_at timestamptz;
create index refund_failure_charge on refund_failure (charge_id);

-- The time of a parked step's snapshot (its event's created); null on rows parked before: received_at stands in.
alter table pending_refund add column snapshot_at timestamptz;
