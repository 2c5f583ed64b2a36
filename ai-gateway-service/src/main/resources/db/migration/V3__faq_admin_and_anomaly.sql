-- FAQ admin API: overrides of the defaults, idempotent creation, change time.
alter table faq_entries
    add column overrides_id    uuid,
    add column idempotency_key varchar(200),
    add column request_hash    varchar(64),
    add column updated_at      timestamptz,
    add constraint faq_entries_idempotency unique (tenant_id, idempotency_key),
    -- a tenant replaces a default with at most one entry
    add constraint faq_entries_one_override unique (tenant_id, overrides_id),
    add constraint faq_entries_defaults_override_nothing check (tenant_id <> '*' or overrides_id is null);

-- Anomaly scoring: each user's activity per function and clock hour. attempts counts every request that
-- reached the scorer (the frequency signal); executions and volume_sum only those let through, so a
-- blocked burst does not teach the baseline that bursts are normal.
create table anomaly_activity (
    tenant_id     varchar(64)  not null,
    user_id       varchar(100) not null,
    function_type varchar(20)  not null,
    hour_start    timestamptz  not null,
    attempts      bigint       not null default 0 check (attempts >= 0),
    executions    bigint       not null default 0 check (executions >= 0),
    volume_sum    bigint       not null default 0 check (volume_sum >= 0),
    primary key (tenant_id, user_id, function_type, hour_start)
);
create index anomaly_activity_tenant_hour on anomaly_activity (tenant_id, hour_start);

-- Security events: anomaly scores above the logging threshold (LOGGED) or the blocking one (BLOCKED).
create table security_events (
    id            uuid         primary key,
    tenant_id     varchar(64)  not null,
    user_id       varchar(100),
    kind          varchar(30)  not null,
    score         int          not null check (score between 0 and 100),
    action        varchar(10)  not null check (action in ('LOGGED', 'BLOCKED')),
    function_type varchar(20),
    details       jsonb        not null,
    created_at    timestamptz  not null
);
create index security_events_tenant_time on security_events (tenant_id, created_at);
