-- ai-gateway-service: executions of AI functions (filled in by the execute pipeline).
create table ai_executions (
    id                uuid         primary key,
    tenant_id         varchar(64)  not null,
    user_id           varchar(100),
    function_type     varchar(20)  not null,
    status            varchar(20)  not null,
    created_at        timestamptz  not null
);
create index ai_executions_tenant_time on ai_executions (tenant_id, created_at);
