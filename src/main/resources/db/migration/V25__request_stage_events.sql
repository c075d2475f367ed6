-- Stage reminders and escalation (issue 18): when a stage of an entitlement of a pending request
-- has waited its policy's remindAfter, its reviewers are reminded once; after escalate.after it is
-- escalated once and its fallback reviewers may decide it from that time on. One row per (request,
-- entitlement, stage, kind): the primary key makes "once" hold across replicas and retries (the job
-- inserts with ON CONFLICT DO NOTHING under the request's row lock and acts only on a new row).
create table request_stage_event (
    request_id  uuid        not null references access_request (id),
    entitlement text        not null,
    stage       text        not null,
    kind        text        not null check (kind in ('REMINDED', 'ESCALATED')),
    at          timestamptz not null,
    recipients  jsonb       not null default '[]'::jsonb
                            check (jsonb_typeof(recipients) = 'array'),
    primary key (request_id, entitlement, stage, kind)
);

-- The job's walk over pending requests, oldest first (keyset by created_at, id).
create index access_request_pending_created_idx on access_request (created_at, id)
    where state = 'PENDING';
