-- Daily digests (issue 18, src/docs/notifications.md "Daily digest"): a person, by IdP subject,
-- chooses to hear routine notifications at once (the default, also when no row exists) or in one
-- email a day at an hour of their own time zone. The router holds a digest person's routine
-- messages (notification_held) instead of writing deliveries for them; a clustered job composes one
-- digest per person and day, queues it in the outbox and marks the held rows with it, in one
-- transaction.

create table notification_preference (
    subject         text        primary key,
    mode            text        not null,
    digest_hour     smallint,                 -- 0..23, in zone
    zone            text,                     -- IANA zone id, e.g. Asia/Kolkata
    email           text,                     -- where digests go: the verified email claim
    next_digest_at  timestamptz,              -- the next digest hour, as an instant
    last_digest_day date,                     -- the zone's date of the last daily digest
    updated_at      timestamptz not null,
    constraint notification_preference_mode check (mode in ('IMMEDIATE', 'DIGEST')),
    constraint notification_preference_hour check (digest_hour between 0 and 23),
    constraint notification_preference_digest check (
        mode <> 'DIGEST'
        or (digest_hour is not null and zone is not null and email is not null
            and next_digest_at is not null))
);

create index notification_preference_due on notification_preference (next_digest_at)
    where mode = 'DIGEST';

-- One row per held event and person; digest_id is the outbox event of the digest that carried it.
create table notification_held (
    event_id    uuid        not null references notification_event (id),
    subject     text        not null,
    kind        text        not null,
    held_at     timestamptz not null,
    digest_id   uuid,
    released_at timestamptz,
    primary key (event_id, subject),
    constraint notification_held_released check ((digest_id is null) = (released_at is null))
);

create index notification_held_waiting on notification_held (subject, held_at)
    where digest_id is null;

-- Every digest queued; at most one daily digest per person and day of their zone, whichever
-- replica composes it (RELEASE: what was held when the person went back to immediate).
create table notification_digest (
    id         uuid        primary key references notification_event (id),
    subject    text        not null,
    reason     text        not null,
    day        date        not null,
    items      int         not null,
    created_at timestamptz not null,
    constraint notification_digest_reason check (reason in ('DAILY', 'RELEASE'))
);

create unique index notification_digest_daily on notification_digest (subject, day)
    where reason = 'DAILY';
