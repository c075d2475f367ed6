-- Audit events in format 3 (src/docs/audit-events.md, io.portcullis.audit.AuditHashing): a system
-- actor carries its own identity only; the signed-in caller whose request caused an event of another
-- actor is named in triggered_by. Events written before stay in formats 1 and 2 and verify as they
-- are.
alter table audit_event drop constraint if exists audit_event_format_check;
alter table audit_event add constraint audit_event_format_check check (format in (1, 2, 3));
alter table audit_event add column triggered_by jsonb;

create index audit_event_triggered_by_idx on audit_event ((triggered_by ->> 'subject'), seq)
    where triggered_by is not null;
