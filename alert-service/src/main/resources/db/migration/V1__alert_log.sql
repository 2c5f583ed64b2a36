-- alert-service: the stored alert log (product.md §6, monitoring and alerts).
create table alert_log (
    id              uuid          primary key,
    tenant_id       varchar(64)   not null,
    alert_type      varchar(40)   not null,
    severity        varchar(10)   not null check (severity in ('INFO', 'WARNING', 'HIGH', 'CRITICAL')),
    title           varchar(200)  not null,
    message         varchar(2000) not null,
    data            jsonb,
    source_event_id uuid,
    created_at      timestamptz   not null,
    acknowledged_at timestamptz,
    acknowledged_by varchar(100)
);
create index alert_log_tenant_time on alert_log (tenant_id, created_at desc, id desc);
