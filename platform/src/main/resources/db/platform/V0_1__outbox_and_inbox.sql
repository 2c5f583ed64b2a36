-- Platform tables that every service has in its own database (design.md §4).
-- Platform migrations are numbered V0_x so that they always run before a service's own V1+.

-- Transactional outbox: written in the same transaction as the state change, published by OutboxRelay.
create table outbox_event (
    seq        bigserial primary key,            -- publish order
    id         uuid          not null unique,    -- the envelope id consumers deduplicate on
    topic      varchar(200)  not null,
    kafka_key  varchar(200)  not null,           -- tenant id: a tenant's events stay in one partition, in order
    type       varchar(100)  not null,
    payload    text          not null,           -- the whole envelope as JSON
    created_at timestamptz   not null default now(),
    sent_at    timestamptz,
    attempts   integer       not null default 0,
    last_error varchar(1000)
);
create index outbox_event_unsent on outbox_event (seq) where sent_at is null;

-- Idempotent consumers: a row per applied event, inserted in the same transaction as the effect.
create table processed_event (
    consumer     varchar(100) not null,
    event_id     uuid         not null,
    type         varchar(100) not null,
    processed_at timestamptz  not null default now(),
    primary key (consumer, event_id)
);
