-- Audit events committed but not yet in the chain (issue 20 item 5, ADR 0014).
--
-- An append whose transaction finds the ledger's head row free takes it, as before, and chains
-- its events in place. One that finds the head taken by another transaction does not queue on it:
-- it writes its events here, in its own transaction, so the state change and its events still
-- commit together or not at all. The sequencer (io.portcullis.audit.AuditSequencer) then takes
-- the head, moves every committed pending event into audit_event in id order (seq, time and hash
-- assigned there), deletes them here and advances the head, in one transaction. A holder of the
-- head moves the committed pending events ahead of its own, so an event committed before another
-- transaction appends is chained before it.
--
-- The checks are audit_event's, so that whatever is here can be chained. The JSON members are kept
-- as the canonical text the appender wrote (io.portcullis.audit.AuditRow): the sequencer hashes
-- and inserts them as they are, without parsing them.

create table audit_pending (
    id             bigint      generated always as identity primary key,
    written_at     timestamptz not null default clock_timestamp(),
    backdated_at   timestamptz,
    event_type     text        not null check (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    actor_subject  text        not null check (length(actor_subject) between 1 and 512),
    targets        text        not null,
    details        text        not null,
    format         smallint    not null check (format in (2, 3)),
    actor_name     text,
    actor_auth     text        not null,
    policy_version text,
    request_id     text,
    source         text        not null,
    triggered_by   text
);

-- A queue: every row is deleted soon after its insert. Vacuumed often, so that the scans from
-- its oldest id do not step over dead rows.
alter table audit_pending set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
                               autovacuum_vacuum_cost_delay = 0);

-- Nothing changes a pending event: it is inserted, then deleted by the transaction that chains it.
create function audit_pending_is_insert_or_delete() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_pending events are not changed: % refused', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_pending_no_update
    before update on audit_pending
    for each row execute function audit_pending_is_insert_or_delete();
