-- Access requests, their reviews, the hand-off to the grant engine, break-glass follow-ups and
-- notification events. Every state change happens under a row lock on access_request and commits
-- with its audit event.

create table access_request (
    id               uuid        primary key,
    requester_key    text        not null,           -- normalised IdP subject (NFKC, case-folded)
    requester        jsonb       not null,           -- subject, name, email, groups, acr, amr at submission
    entitlements     jsonb       not null check (jsonb_typeof(entitlements) = 'array'),
    duration_seconds bigint      not null check (duration_seconds > 0),
    start_at         timestamptz,
    justification    text        not null,
    ticket           text,
    break_glass      boolean     not null default false,
    policy_version   char(64)    not null,
    digest           char(64)    not null,
    ask_key          char(64)    not null,           -- hash of (requester, sorted entitlements)
    state            text        not null check (state in ('PENDING', 'APPROVED', 'DENIED', 'CANCELLED', 'EXPIRED')),
    plan             jsonb       not null,
    resolution       jsonb       not null default '[]',
    created_at       timestamptz not null,
    expires_at       timestamptz not null,
    decided_at       timestamptz,
    extends_grant_id uuid,
    version          bigint      not null default 0
);

create index access_request_requester_idx on access_request (requester_key, created_at desc, id desc);
create index access_request_state_idx on access_request (state, created_at desc, id desc);
create index access_request_pending_expiry_idx on access_request (expires_at) where state = 'PENDING';

-- One pending request per person and set of entitlements: a duplicate returns the existing one.
create unique index access_request_one_open_idx
    on access_request (ask_key) where state = 'PENDING';

create table request_review (
    id           uuid        primary key,
    request_id   uuid        not null references access_request (id),
    reviewer_key text        not null,
    reviewer     jsonb       not null,
    decision     text        not null check (decision in ('APPROVE', 'DENY')),
    comment      text,
    digest       char(64)    not null,                -- the request digest the reviewer saw
    created_at   timestamptz not null,
    unique (request_id, reviewer_key)
);

create index request_review_request_idx on request_review (request_id, created_at);

-- The hand-off to the grant engine: one row per (request, entitlement), written in the approving
-- transaction. The unique constraint makes a double hand-off impossible.
create table access_grant (
    id            uuid        primary key,
    request_id    uuid        not null references access_request (id),
    entitlement   text        not null,
    requester_key text        not null,
    state         text        not null,
    not_before    timestamptz,
    duration_seconds bigint   not null,
    created_at    timestamptz not null,
    version       bigint      not null default 0,
    unique (request_id, entitlement)
);

create index access_grant_requester_idx on access_grant (requester_key, created_at desc);

-- Break-glass activations get a review after the fact, with a deadline.
create table break_glass_review (
    request_id   uuid        primary key references access_request (id),
    due_at       timestamptz not null,
    reviewed_at  timestamptz,
    reviewer_key text,
    outcome      text
);

-- Events for the notification service (delivery comes later); recipients are recorded now.
create table notification_event (
    id          uuid        primary key,
    request_id  uuid        references access_request (id),
    kind        text        not null,
    recipients  jsonb       not null,
    payload     jsonb       not null,
    created_at  timestamptz not null,
    delivered_at timestamptz
);
