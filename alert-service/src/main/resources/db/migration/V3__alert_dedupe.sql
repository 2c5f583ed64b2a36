-- "At most one alert per key and window" (LowBalanceRule, SecurityRule): the claim is a row written in the
-- transaction that stores the alert, so it commits with the alert or not at all (it was a Redis key, claimed
-- outside that transaction and released only when raising failed, not when the commit failed or the process died).
create table alert_dedupe (
    dedupe_key varchar(300) primary key,
    claimed_at timestamptz  not null   -- the business clock's time of the last alert under the key
);
