-- Audit events in format 2 (src/docs/audit-events.md, io.portcullis.audit.AuditHashing): who
-- (display name and authentication strength beside the subject), under which policy, in which
-- HTTP request and from where. Events written before stay in format 1 and verify as they are.
alter table audit_event
    add column format         smallint not null default 1 check (format in (1, 2)),
    add column actor_name     text,
    add column actor_auth     jsonb,
    add column policy_version text,
    add column request_id     text,
    add column source         jsonb;

create index audit_event_request_idx on audit_event (request_id) where request_id is not null;
create index audit_event_source_idx on audit_event ((source ->> 'address'), seq)
    where source ? 'address';
