-- Recovery of executions that did not finish: what was reserved (so the reservation can be replayed by
-- its key) and the settlements still owed to credit-service.
--   CAPTURE_PENDING: the engine answered but the capture failed; the result waits in `response` and is
--                    charged (then answered to the Idempotency-Key) when credit-service is back.
--   RELEASE_PENDING: the hold must go back (failed run, or a result nobody can fetch); `credits` > 0 is
--                    the charge owed if the capture in fact went through.
alter table ai_executions
    add column reserved_credits     bigint,
    add column hold_timeout_seconds integer,
    drop constraint ai_executions_status,
    add constraint ai_executions_status
        check (status in ('RUNNING', 'COMPLETED', 'FAILED', 'CAPTURE_PENDING', 'RELEASE_PENDING'));
create index ai_executions_unsettled on ai_executions (created_at)
    where status in ('RUNNING', 'CAPTURE_PENDING', 'RELEASE_PENDING');
