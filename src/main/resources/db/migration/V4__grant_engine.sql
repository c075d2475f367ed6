-- The grant engine (src/docs/adr/0004-grant-engine.md): activation after approval and revocation at
-- expiry through a due-queue on access_grant, claimed in batches with FOR UPDATE SKIP LOCKED by the
-- database clock. A grant has work pending exactly when next_attempt_at is set; one partial index on
-- it serves every claim, whatever the state.

alter table access_grant
    add column provider                text,
    add column provider_params         jsonb       not null default '{}'::jsonb,
    add column policy_version          char(64),
    add column ready_at                timestamptz,  -- when activation became due (approval or not_before)
    add column activated_at            timestamptz,
    add column not_after               timestamptz,  -- activated_at + duration
    add column effective_until         timestamptz,  -- the provider's residual window, when it outlives not_after
    add column handle                  jsonb,        -- opaque, from the provider at issue; never a secret
    add column attempts                integer     not null default 0,
    add column next_attempt_at         timestamptz,
    add column last_error              text,         -- scrubbed of secrets before it is stored
    add column revoke_cause            text,
    add column revoke_requested_by     text,
    add column revoke_requested_at     timestamptz,
    add column revoke_reason           text,
    add column revoked_at              timestamptz,
    add column credential_retrieved_at timestamptz,
    add column updated_at              timestamptz;

-- Grants handed over before the engine existed never had a provider recorded: they cannot be
-- activated safely, so they end as failed activations and must be requested again.
update access_grant
   set state = 'ACTIVATION_FAILED',
       provider = 'unknown',
       last_error = 'approved before the grant engine existed; ask for access again',
       updated_at = now()
 where provider is null;

alter table access_grant alter column provider set not null;

alter table access_grant add constraint access_grant_state_known check (state in (
    'SCHEDULED', 'ACTIVATING', 'ACTIVE', 'REVOKING', 'REVOKED', 'ACTIVATION_FAILED', 'IRREVOCABLE'));

-- Work is pending exactly in the non-final states.
alter table access_grant add constraint access_grant_due_iff_open check (
    (state in ('REVOKED', 'ACTIVATION_FAILED')) = (next_attempt_at is null));

alter table access_grant add constraint access_grant_active_has_end check (
    state <> 'ACTIVE' or not_after is not null);

alter table access_grant add constraint access_grant_revoke_cause_known check (
    revoke_cause is null or revoke_cause in ('expiry', 'early', 'kill_switch'));

create index access_grant_due_idx on access_grant (next_attempt_at) where next_attempt_at is not null;
create index access_grant_state_idx on access_grant (state, created_at desc, id desc);
create index access_grant_list_idx on access_grant (created_at desc, id desc);
create index access_grant_live_provider_idx on access_grant (provider, state)
    where state in ('ACTIVE', 'REVOKING', 'IRREVOCABLE');

-- A credential waiting for its requester: sealed with AES-256-GCM under a per-deployment key (the
-- grant id is the associated data), handed out once, then deleted; also deleted when its window
-- passes or the grant ends.
create table grant_credential (
    grant_id   uuid        primary key references access_grant (id),
    key_id     text        not null,
    sealed     bytea       not null,
    expires_at timestamptz not null
);

create index grant_credential_expiry_idx on grant_credential (expires_at);

-- The ledger head may now advance by several events in one step (a batch append), but only onto an
-- event that exists with exactly that hash.
create or replace function audit_head_moves_forward() returns trigger
language plpgsql as $$
begin
    if tg_op <> 'UPDATE'
       or new.last_seq <= old.last_seq
       or not exists (select 1 from audit_event e
                       where e.seq = new.last_seq and e.hash = new.last_hash) then
        raise exception 'audit_head only advances onto an appended event: % refused', tg_op
            using errcode = 'insufficient_privilege';
    end if;
    return new;
end;
$$;
