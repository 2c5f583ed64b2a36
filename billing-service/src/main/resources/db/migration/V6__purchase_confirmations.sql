-- An admin's on-session confirmations of a purchase waiting for 3-D Secure (POST /api/v1/billing/purchases/{id}/confirm):
-- each one that reaches Stripe gets its own idempotency key, confirm-<purchase id>-<n>.
alter table purchase add column confirm_attempts integer not null default 0;
