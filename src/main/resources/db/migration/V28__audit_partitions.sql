-- The audit ledger partitioned by month (issue 21, ADR 0015): audit_event becomes a table
-- partitioned by RANGE (occurred_at), one partition per calendar month (UTC), named
-- audit_event_yYYYYmMM, plus a default partition that catches an event no monthly partition
-- covers (so an append never fails for lack of a partition). The retention job
-- (io.portcullis.audit.AuditRetention) may detach and drop a month only after its whole span is
-- archived and the archive re-read and verified; nothing else removes events, and the append-only
-- triggers stay on every partition.
--
-- The existing rows are copied once, in this migration's transaction.

-- A partitioned table's unique keys must hold its partition key: seq stays gapless and unique
-- because only the audit_head row lock hands it out (and audit_head only advances onto an
-- appended event), and the checkpoint's hash binds it to its event; so the foreign key from the
-- checkpoints to one event goes (a checkpoint outlives a dropped month, its span in the archive).
alter table audit_checkpoint drop constraint if exists audit_checkpoint_seq_fkey;

alter table audit_event rename to audit_event_unpartitioned;
alter index audit_event_pkey rename to audit_event_unpartitioned_pkey;
alter index audit_event_hash_key rename to audit_event_unpartitioned_hash_key;

create table audit_event (
    seq            bigint      not null check (seq > 0),
    occurred_at    timestamptz not null,
    event_type     text        not null check (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    actor_subject  text        not null check (length(actor_subject) between 1 and 512),
    targets        jsonb       not null check (jsonb_typeof(targets) = 'object'),
    details        jsonb       not null check (jsonb_typeof(details) = 'object'),
    prev_hash      char(64)    not null,
    hash           char(64)    not null,
    format         smallint    not null default 1 constraint audit_event_format_check check (format in (1, 2, 3)),
    actor_name     text,
    actor_auth     jsonb,
    policy_version text,
    request_id     text,
    source         jsonb,
    triggered_by   jsonb,
    primary key (seq, occurred_at)
) partition by range (occurred_at);

-- Creates the partition of the month that holds day (UTC) if it does not exist yet, with the
-- statement-level TRUNCATE guard, which PostgreSQL does not copy to partitions (row triggers it
-- does). Returns the partition's name.
create function audit_event_month_partition(day timestamptz) returns text
language plpgsql as $$
declare
    first_day timestamptz := date_trunc('month', day at time zone 'UTC') at time zone 'UTC';
    name text := 'audit_event_y' || to_char(first_day at time zone 'UTC', 'YYYY') || 'm'
                 || to_char(first_day at time zone 'UTC', 'MM');
begin
    if to_regclass(name) is null then
        execute format('create table %I partition of audit_event for values from (%L) to (%L)',
                       name, first_day, first_day + interval '1 month');
        execute format('create trigger audit_event_no_truncate before truncate on %I'
                       || ' for each statement execute function audit_event_is_append_only()', name);
    end if;
    return name;
end;
$$;

create table audit_event_default partition of audit_event default;
create trigger audit_event_no_truncate before truncate on audit_event_default
    for each statement execute function audit_event_is_append_only();

-- every month the existing events fall in, and this month and the next three
do $$
declare
    m timestamptz;
    last_month timestamptz := date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'
                              + interval '3 months';
begin
    select date_trunc('month', min(occurred_at) at time zone 'UTC') at time zone 'UTC'
      into m from audit_event_unpartitioned;
    if m is null or m > last_month then
        m := date_trunc('month', now() at time zone 'UTC') at time zone 'UTC';
    end if;
    while m <= last_month loop
        perform audit_event_month_partition(m);
        m := m + interval '1 month';
    end loop;
end;
$$;

insert into audit_event (seq, occurred_at, event_type, actor_subject, targets, details, prev_hash,
                         hash, format, actor_name, actor_auth, policy_version, request_id, source,
                         triggered_by)
select seq, occurred_at, event_type, actor_subject, targets, details, prev_hash, hash, format,
       actor_name, actor_auth, policy_version, request_id, source, triggered_by
  from audit_event_unpartitioned;

-- the old table goes (DROP fires none of its row or TRUNCATE guards)
drop table audit_event_unpartitioned;

-- (lookups by seq use the primary key, whose first column it is; nothing looks events up by hash)
create index audit_event_type_idx on audit_event (event_type, seq);
create index audit_event_actor_idx on audit_event (actor_subject, seq);
create index audit_event_time_idx on audit_event (occurred_at);
create index audit_event_targets_idx on audit_event using gin (targets jsonb_path_ops);
create index audit_event_request_idx on audit_event (request_id) where request_id is not null;
create index audit_event_source_idx on audit_event ((source ->> 'address'), seq)
    where source ? 'address';
create index audit_event_triggered_by_idx on audit_event ((triggered_by ->> 'subject'), seq)
    where triggered_by is not null;

-- the append-only guards, on the partitioned table: PostgreSQL clones the row trigger onto every
-- partition, present and future; the TRUNCATE guard is per table (above, and in the function)
create trigger audit_event_no_update_delete
    before update or delete on audit_event
    for each row execute function audit_event_is_append_only();
create trigger audit_event_no_truncate
    before truncate on audit_event
    for each statement execute function audit_event_is_append_only();

-- What retention dropped (io.portcullis.audit.AuditRetention): one row per month, written in the
-- transaction that detaches and drops it, with its audit.partition_dropped event. The ledger's
-- verification starts in the database after the last dropped seq, from its hash, and the archived
-- spans hold everything before. Append-only like the checkpoints.
create table audit_retention (
    month          date        primary key check (extract(day from month) = 1),
    partition_name text        not null,
    from_seq       bigint      not null check (from_seq > 0),
    to_seq         bigint      not null check (to_seq >= from_seq),
    last_hash      char(64)    not null,
    events         bigint      not null check (events = to_seq - from_seq + 1),
    archive        jsonb       not null check (jsonb_typeof(archive) = 'array'),
    dropped_at     timestamptz not null
);

create trigger audit_retention_no_update_delete
    before update or delete on audit_retention
    for each row execute function ledger_table_is_append_only();

create trigger audit_retention_no_truncate
    before truncate on audit_retention
    for each statement execute function ledger_table_is_append_only();
