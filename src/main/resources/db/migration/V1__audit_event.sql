-- The append-only, hash-chained audit ledger (see src/docs/adr/0001-architecture.md and
-- io.portcullis.audit.AuditLog). One row per event; seq is gapless because every append
-- takes the single head row FOR UPDATE inside the caller's transaction.

create table audit_head (
    id        smallint primary key check (id = 1),
    last_seq  bigint   not null,
    last_hash char(64) not null
);

insert into audit_head (id, last_seq, last_hash) values (1, 0, repeat('0', 64));

create table audit_event (
    seq           bigint      primary key check (seq > 0),
    occurred_at   timestamptz not null,
    event_type    text        not null check (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    actor_subject text        not null check (length(actor_subject) between 1 and 512),
    targets       jsonb       not null check (jsonb_typeof(targets) = 'object'),
    details       jsonb       not null check (jsonb_typeof(details) = 'object'),
    prev_hash     char(64)    not null,
    hash          char(64)    not null unique
);

create index audit_event_type_idx on audit_event (event_type, seq);
create index audit_event_actor_idx on audit_event (actor_subject, seq);
create index audit_event_time_idx on audit_event (occurred_at);
create index audit_event_targets_idx on audit_event using gin (targets jsonb_path_ops);

-- The ledger is append-only: the database itself refuses to change or remove an event.
create function audit_event_is_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_event is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_event_no_update_delete
    before update or delete on audit_event
    for each row execute function audit_event_is_append_only();

create trigger audit_event_no_truncate
    before truncate on audit_event
    for each statement execute function audit_event_is_append_only();

-- The head only moves forward, one step at a time, and can never be removed.
create function audit_head_moves_forward() returns trigger
language plpgsql as $$
begin
    if tg_op <> 'UPDATE' or new.last_seq <> old.last_seq + 1 then
        raise exception 'audit_head only advances by one: % refused', tg_op
            using errcode = 'insufficient_privilege';
    end if;
    return new;
end;
$$;

create trigger audit_head_forward_only
    before update or delete on audit_head
    for each row execute function audit_head_moves_forward();

create trigger audit_head_no_truncate
    before truncate on audit_head
    for each statement execute function audit_event_is_append_only();
