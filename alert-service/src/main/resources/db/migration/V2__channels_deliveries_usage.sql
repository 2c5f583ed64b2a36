-- alert-service: where a tenant's alerts go, the per-channel delivery queue, and the hourly usage
-- roll-up the USAGE_SPIKE rule reads (design.md §2: all owned by this service).

-- One row per tenant, written by its administrators. Lists are JSON arrays kept as text (read whole,
-- never queried into).
create table alert_channel (
    tenant_id         varchar(64)  primary key,
    hotel_name        varchar(100),
    admin_emails      text         not null default '[]',
    slack_webhook_url varchar(500),
    slack_channel     varchar(80),
    muted_types       text         not null default '[]',
    updated_at        timestamptz  not null,
    updated_by        varchar(100) not null
);

-- An outbox per channel: rows are written in the alert's transaction and sent by one dispatcher
-- per channel, so a failing Slack never holds up e-mail. Time here is the database's, not the
-- business clock: retries must move on even while a test pins the clock.
create table alert_delivery (
    id              uuid          primary key,
    alert_id        uuid          not null references alert_log (id),
    tenant_id       varchar(64)   not null,
    channel         varchar(16)   not null check (channel in ('EMAIL', 'SLACK', 'DASHBOARD')),
    recipient       varchar(320),                 -- the e-mail address; null for Slack and the dashboard
    status          varchar(10)   not null check (status in ('PENDING', 'SENT', 'DEAD')),
    attempts        integer       not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz   not null default now(),
    lease_until     timestamptz,                  -- claimed by a dispatcher until then
    last_error      varchar(1000),
    created_at      timestamptz   not null default now(),
    last_attempt_at timestamptz,
    sent_at         timestamptz
);
create unique index alert_delivery_once on alert_delivery (alert_id, channel, coalesce(recipient, ''));
create index alert_delivery_due on alert_delivery (channel, next_attempt_at) where status = 'PENDING';
create index alert_delivery_by_tenant on alert_delivery (tenant_id, status, created_at desc);

-- Credits used per account per clock hour (UTC), from UsageRecorded; the spike rule compares the
-- current hour with the average of the hours before it. spike_alerted: at most one alert an hour.
create table usage_hour (
    account_id    varchar(64)  not null,
    hour_start    timestamptz  not null,
    tenant_id     varchar(64)  not null,
    credits       bigint       not null check (credits >= 0),
    spike_alerted boolean      not null default false,
    primary key (account_id, hour_start)
);
