-- The execute pipeline's record of every execution, and the tenants' FAQ for the local chatbot.
alter table ai_executions
    add column idempotency_key   varchar(200),
    add column request_hash      varchar(64),
    add column provider          varchar(40),
    add column model             varchar(60),
    add column prompt_tokens     bigint not null default 0,
    add column completion_tokens bigint not null default 0,
    add column credits           bigint not null default 0,
    add column hold_id           uuid,
    add column transaction_id    uuid,
    add column latency_ms        bigint,
    add column error_code        varchar(40),
    add column response          jsonb,            -- answered again, unchanged, to a retry with the same key
    add column completed_at      timestamptz,
    add constraint ai_executions_status check (status in ('RUNNING', 'COMPLETED', 'FAILED')),
    add constraint ai_executions_idempotency unique (tenant_id, idempotency_key);

-- FAQ entries of a tenant; tenant_id '*' holds the defaults every tenant starts with.
create table faq_entries (
    id         uuid          primary key,
    tenant_id  varchar(64)   not null,
    question   varchar(500)  not null,
    answer     varchar(4000) not null,
    created_at timestamptz   not null
);
create index faq_entries_tenant on faq_entries (tenant_id);

insert into faq_entries (id, tenant_id, question, answer, created_at) values
 ('00000000-0000-0000-0000-000000000001', '*', 'チェックインは何時からですか', 'チェックインは15:00から、チェックアウトは11:00までです。', now()),
 ('00000000-0000-0000-0000-000000000002', '*', '駐車場はありますか', '敷地内に駐車場がございます（1泊1,000円、予約不要）。', now()),
 ('00000000-0000-0000-0000-000000000003', '*', '朝食の時間を教えてください', '朝食は1階レストランにて6:30から10:00までご用意しております。', now()),
 ('00000000-0000-0000-0000-000000000004', '*', 'キャンセル料はかかりますか', '前日のキャンセルは宿泊料金の50%、当日のキャンセルは100%を申し受けます。', now()),
 ('00000000-0000-0000-0000-000000000005', '*', 'Wi-Fiは使えますか', '全館で無料Wi-Fiをご利用いただけます。パスワードはフロントでお渡しします。', now());
