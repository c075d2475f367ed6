-- Access reviews (io.portcullis.review; ADR 0009). A campaign is opened once per (definition,
-- scheduled fire time): the unique key makes opening exactly-once across replicas. Its snapshot is
-- a canonical JSON-lines document folded from the ledger, stored gzip in chunks, hashed in
-- review_campaign and in the review.campaign_opened event. Items are the eligibility entries under
-- review; review_decision keeps every decision ever made on them.

create table review_campaign (
    id               uuid        primary key,
    definition       text        not null,
    title            text        not null check (length(title) between 1 and 200),
    scheduled_for    timestamptz,                 -- the cron fire time; null when opened off-cycle
    principal_set    text,                        -- an off-cycle campaign narrowed to one set
    state            text        not null check (state in ('OPEN', 'CLOSED', 'SIGNED_OFF')),
    opened_by        text        not null,
    opened_at        timestamptz not null,
    period_start     timestamptz not null,
    period_end       timestamptz not null,
    due_at           timestamptz not null,
    second_due_at    timestamptz,
    policy_version   text        not null,
    to_seq           bigint      not null,
    events           bigint      not null,
    snapshot_sha256  text        not null check (snapshot_sha256 ~ '^[0-9a-f]{64}$'),
    snapshot_lines   bigint      not null,
    snapshot_bytes   bigint      not null,
    reminders_sent   int         not null default 0,
    closed_by        text,
    closed_at        timestamptz,
    signed_off_by    text,
    signed_off_at    timestamptz,
    sign_off_note    text,
    version          bigint      not null default 0,
    check (period_start < period_end),
    check ((closed_at is null) = (closed_by is null)),
    check ((signed_off_at is null) = (signed_off_by is null)),
    check (state <> 'SIGNED_OFF' or signed_off_at is not null)
);
create unique index review_campaign_once on review_campaign (definition, scheduled_for);
create index review_campaign_open on review_campaign (due_at) where state = 'OPEN';

create table review_snapshot_chunk (
    campaign_id uuid  not null references review_campaign (id) deferrable initially deferred,
    idx         int   not null check (idx >= 0),
    data        bytea not null,
    primary key (campaign_id, idx)
);

create table review_item (
    id               uuid        primary key,
    campaign_id      uuid        not null references review_campaign (id) deferrable initially deferred,
    ord              int         not null,            -- the item's place in the snapshot
    entitlement      text        not null,
    entry            text        not null,            -- e.g. group:eng, set:vendor/user:vera
    kind             text        not null check (kind in ('user', 'group')),
    name             text        not null,
    at               text        not null,            -- file:line:column of the entry
    until            date,
    recommendation   text        not null check (recommendation in ('KEEP', 'REDUCE', 'REMOVE')),
    content          jsonb       not null,            -- uses, approvers, findings, flags, reviewers
    route            text        not null check (route in ('PRIMARY', 'SECOND_STAGE', 'FALLBACK')),
    flagged          boolean     not null,
    assignee_users   text[]      not null,            -- normalised subjects/emails who may decide now
    assignee_groups  text[]      not null,
    fallback_users   text[]      not null,            -- the fallback, who also see flagged items
    fallback_groups  text[]      not null,
    conflicted       text[]      not null,            -- normalised people who may never decide it
    state            text        not null check (state in
                       ('OPEN', 'KEPT', 'REMEDIATION_PENDING', 'REMEDIATED', 'NOT_REVIEWED')),
    decision         text        check (decision in ('KEEP', 'REMOVE', 'REDUCE')),
    reduce           jsonb,
    decided_by       text,
    decided_at       timestamptz,
    remediated_at    timestamptz,
    remediated_by_policy text,
    suspension_id    uuid,                        -- placed on REMOVE, lifted when remediated
    digest           text        not null,
    version          bigint      not null default 0,
    unique (campaign_id, ord),
    unique (campaign_id, entitlement, entry)
);
create index review_item_users on review_item using gin (assignee_users) where state = 'OPEN';
create index review_item_groups on review_item using gin (assignee_groups) where state = 'OPEN';
create index review_item_fallback_users on review_item using gin (fallback_users)
    where state = 'OPEN' and flagged;
create index review_item_fallback_groups on review_item using gin (fallback_groups)
    where state = 'OPEN' and flagged;
create index review_item_campaign on review_item (campaign_id, ord);
create index review_item_pending on review_item (entitlement) where state = 'REMEDIATION_PENDING';

create table review_decision (
    id             bigserial   primary key,
    item_id        uuid        not null references review_item (id),
    campaign_id    uuid        not null references review_campaign (id),
    route          text        not null,
    decision       text        not null check (decision in ('KEEP', 'REMOVE', 'REDUCE', 'DONT_KNOW')),
    reduce         jsonb,
    justification  text,
    digest         text        not null,             -- the item digest the decider saw
    decided_by     text        not null,             -- IdP subject, or system:review-deadline
    decided_at     timestamptz not null,
    bulk           boolean     not null default false
);
create index review_decision_item on review_decision (item_id, id);
