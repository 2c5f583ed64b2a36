-- billing-service: the credit package catalogue (the guide's ai_credit_packages, product.md §3).
-- Prices are whole yen (zero-decimal in Stripe: ¥5,000 is amount 5000).
create table ai_credit_packages (
    id                  varchar(64)   primary key,
    plan_type           varchar(20)   check (plan_type in ('ESSENTIAL', 'PROFESSIONAL', 'ENTERPRISE')), -- null: every plan
    credits             bigint        not null check (credits > 0),
    price_yen           bigint        not null check (price_yen > 0),
    discount_rate       numeric(5, 4) not null default 0 check (discount_rate >= 0 and discount_rate < 1),
    is_bulk             boolean       not null default false,
    is_promotional      boolean       not null default false,
    valid_from          timestamptz,
    valid_until         timestamptz,
    display_name        varchar(100)  not null,
    description         varchar(500),
    marketing_highlight varchar(200),
    sort_order          integer       not null default 0,
    active              boolean       not null default true,
    created_at          timestamptz   not null default now(),
    constraint valid_window check (valid_until is null or valid_from is null or valid_until > valid_from)
);

insert into ai_credit_packages (id, plan_type, credits, price_yen, discount_rate, is_bulk, display_name, description, marketing_highlight, sort_order) values
    ('pkg-500',   null,  500,    5000,  0,    false, 'スタンダード 500',   '500 クレジット。まずはお試しに。',                   null,                 10),
    ('pkg-2000',  null,  2000,   18000, 0.10, true,  'バリュー 2,000',     '2,000 クレジットを 10% お得に。',                    '人気No.1',           20),
    ('pkg-10000', null,  10000,  80000, 0.20, true,  'プレミアム 10,000',  '10,000 クレジットを 20% お得に。大規模運用向け。', '最もお得',           30);
