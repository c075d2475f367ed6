-- Every policy version ever accepted, by its content hash: the files as they were read (name and
-- text). The ledger names versions by hash only; evidence packs carry the files in force at a
-- period's start and end, and an auditor re-parses them to recompute eligibility. Written in the
-- transaction of the version's policy.accepted event, so the ledger never names a version that is
-- not kept here. Content-addressed and never updated: the same files accepted again are one row.
create table policy_archive (
    hash text primary key check (hash ~ '^[0-9a-f]{64}$'),
    files jsonb not null check (jsonb_typeof(files) = 'array'),
    first_accepted_at timestamptz not null
);
