-- Dev-only (the demo seed of ./dev/up, never a service): moves the rows that one phase of the seed made
-- "now" to the times the seed planned for them, so that the demo hotel shows a month of history.
--   psql -v ON_ERROR_STOP=1 -v tenant=hotel-demo -v shifts='[{"from":"…","to":"…"},…]' -v credit=1 -f backdate.sql   (gateway=1, alert=1 for theirs)
-- shifts: one entry per call the seed made, in order: [from, …) is when it really ran, "to" when it should
-- have. A row is moved by the shift of the last call that began before it (so rows that a consumer wrote a
-- moment after the call, like alerts, move with it); the order of rows is kept, and with it every
-- balance_after. Amounts are never touched: the ledger's sums and invariants stay what the services made.
\set ON_ERROR_STOP 1
begin;
set local demo.tenant = :'tenant';

create temp table shift on commit drop as
select x."from" as real_from, lead(x."from") over (order by x."from") as real_next, x."to" - x."from" as delta
from json_to_recordset(:'shifts'::json) as x("from" timestamptz, "to" timestamptz);
-- The last call's rows may be written by a consumer a little after it returned
update shift set real_next = real_from + interval '1 hour' where real_next is null;

create function pg_temp.moved(t timestamptz) returns timestamptz language sql stable as $$
  select coalesce((select t + s.delta from shift s where t >= s.real_from and t < s.real_next), t)
$$;

\if :{?credit}
create function pg_temp.usage_of(t varchar) returns table (account_id uuid, usage_date date, function_type varchar,
    credits bigint, executions bigint, releases bigint, execution_ms bigint) language sql stable as $$
  select h.account_id, (h.resolved_at at time zone a.time_zone)::date, h.function_type,
         sum(coalesce(h.captured_amount, 0))::bigint, count(*) filter (where h.status = 'CAPTURED'),
         count(*) filter (where h.status in ('RELEASED', 'EXPIRED')), sum(coalesce(e.execution_time_ms, 0))::bigint
  from credit_holds h join ai_credit_accounts a on a.id = h.account_id
  left join ai_credit_transactions e on e.id = h.capture_transaction_id
  where a.tenant_id = t and h.status in ('CAPTURED', 'RELEASED', 'EXPIRED')
  group by 1, 2, 3
$$;
do $$ begin
  if exists ((select * from pg_temp.usage_of(current_setting('demo.tenant')))
             except (select d.* from daily_usage d join ai_credit_accounts a on a.id = d.account_id
                     where a.tenant_id = current_setting('demo.tenant')))
     or exists ((select d.* from daily_usage d join ai_credit_accounts a on a.id = d.account_id
                 where a.tenant_id = current_setting('demo.tenant'))
                except (select * from pg_temp.usage_of(current_setting('demo.tenant')))) then
    raise exception 'daily_usage of % is not what its holds say: the rebuild below would change it', current_setting('demo.tenant');
  end if;
end $$;

-- The account's opening (its first reset, made by the first call) belongs to the month the history starts
-- in, not to the month the seed ran in: relabel it, as if the hotel had joined then.
create temp table opening on commit drop as
select a.id as account_id, a.time_zone as tz, r.reset_month as seeded_month,
       to_char(pg_temp.moved(r.reset_date) at time zone a.time_zone, 'YYYY-MM') as opened_month
from ai_credit_accounts a join monthly_credit_resets r on r.account_id = a.id
where a.tenant_id = :'tenant' and r.reset_date >= (select min(real_from) from shift)
  and r.reset_date < (select max(real_next) from shift)
  and not exists (select 1 from monthly_credit_resets p where p.account_id = a.id and p.reset_date < r.reset_date);

update credit_grants g set reference = o.opened_month,
    expires_at = ((g.expires_at at time zone o.tz)
                  - age((o.seeded_month || '-01')::date, (o.opened_month || '-01')::date)) at time zone o.tz
from opening o
where o.opened_month <> o.seeded_month and g.account_id = o.account_id
  and g.source = 'MONTHLY_FREE' and g.reference = o.seeded_month;
update ai_credit_transactions t set reference_id = o.opened_month,
    idempotency_key = 'monthly-free:' || o.opened_month,
    -- RequestHash.of(key, credits): SHA-256 over the parts, each followed by 0x1f
    request_hash = encode(sha256(convert_to('monthly-free:' || o.opened_month || chr(31) || t.credits_amount || chr(31), 'UTF8')), 'hex'),
    description = o.opened_month || ' の無料クレジット'
from opening o
where o.opened_month <> o.seeded_month and t.account_id = o.account_id
  and t.idempotency_key = 'monthly-free:' || o.seeded_month;
update monthly_credit_resets r set reset_month = o.opened_month from opening o
where o.opened_month <> o.seeded_month and r.account_id = o.account_id and r.reset_month = o.seeded_month;
update ai_credit_accounts a set reset_month = o.opened_month from opening o
where o.opened_month <> o.seeded_month and a.id = o.account_id;
update system_events e set event_data = replace(e.event_data::text, o.seeded_month, o.opened_month)::jsonb
from opening o
where o.opened_month <> o.seeded_month and e.tenant_id = :'tenant' and e.action = 'MONTHLY_RESET'
  and e.occurred_at >= (select min(real_from) from shift) and e.occurred_at < (select min(real_next) from shift);

update ai_credit_accounts set created_at = pg_temp.moved(created_at), updated_at = pg_temp.moved(updated_at)
where tenant_id = :'tenant';
update ai_credit_transactions t set created_at = pg_temp.moved(t.created_at)
from ai_credit_accounts a where a.id = t.account_id and a.tenant_id = :'tenant';
update credit_grants g set created_at = pg_temp.moved(g.created_at)
from ai_credit_accounts a where a.id = g.account_id and a.tenant_id = :'tenant';
update credit_holds h set created_at = pg_temp.moved(h.created_at), resolved_at = pg_temp.moved(h.resolved_at),
    expires_at = h.expires_at + (pg_temp.moved(h.created_at) - h.created_at)
from ai_credit_accounts a where a.id = h.account_id and a.tenant_id = :'tenant';
update monthly_credit_resets r set reset_date = pg_temp.moved(r.reset_date), created_at = pg_temp.moved(r.created_at)
from ai_credit_accounts a where a.id = r.account_id and a.tenant_id = :'tenant';
update system_events set occurred_at = pg_temp.moved(occurred_at) where tenant_id = :'tenant';

-- daily_usage is what a capture or release adds on its tenant-local day: made again from the moved rows
-- (checked against what the services wrote before anything moved, so a change there fails the seed loudly)
delete from daily_usage d using ai_credit_accounts a where a.id = d.account_id and a.tenant_id = :'tenant';
insert into daily_usage (account_id, usage_date, function_type, credits, executions, releases, execution_ms)
select * from pg_temp.usage_of(:'tenant');
\endif

\if :{?gateway}
update ai_executions set created_at = pg_temp.moved(created_at), completed_at = pg_temp.moved(completed_at)
where tenant_id = :'tenant';
\endif

\if :{?alert}
update alert_log set created_at = pg_temp.moved(created_at) where tenant_id = :'tenant';
\endif

commit;
