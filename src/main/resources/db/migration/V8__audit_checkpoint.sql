-- Signed checkpoints of the audit ledger (io.portcullis.audit.AuditCheckpoint): each names the
-- ledger head it covers (seq and that event's hash) and the signature of the checkpoint before it,
-- signed with Ed25519. Like the events, checkpoints can only be appended.

create function ledger_table_is_append_only() returns trigger
language plpgsql as $$
begin
    raise exception '% is append-only: % refused', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create table audit_checkpoint (
    id             bigint generated always as identity primary key,
    seq            bigint      not null unique references audit_event (seq),
    hash           char(64)    not null,
    created_at     timestamptz not null,
    prev_signature text        not null,
    key_id         text        not null check (key_id ~ '^[0-9a-f]{16}$'),
    signature      text        not null
);

create trigger audit_checkpoint_no_update_delete
    before update or delete on audit_checkpoint
    for each row execute function ledger_table_is_append_only();

create trigger audit_checkpoint_no_truncate
    before truncate on audit_checkpoint
    for each statement execute function ledger_table_is_append_only();

-- What was archived where (io.portcullis.audit.AuditArchiver): one row per span between two
-- checkpoints, written after the archive confirmed the object.
create table audit_archive (
    checkpoint_id bigint      primary key references audit_checkpoint (id),
    from_seq      bigint      not null,
    to_seq        bigint      not null,
    location      text        not null,
    version_id    text,
    etag          text,
    sha256        text        not null,
    lock_mode     text,
    retain_until  timestamptz,
    archived_at   timestamptz not null default now()
);
