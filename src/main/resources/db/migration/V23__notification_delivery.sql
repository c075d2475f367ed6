-- Notification delivery (src/docs/adr/0013-notifications.md): the router turns each outbox event
-- into one delivery per channel and address, in one transaction with marking the event routed;
-- senders claim due deliveries with FOR UPDATE SKIP LOCKED and a lease, send outside any
-- transaction and record the outcome.

alter table notification_event add column routed_at timestamptz;

-- Events from before delivery existed: only the last day's are routed, so an upgrade does not send
-- months of history.
update notification_event set routed_at = created_at where created_at < now() - interval '1 day';

create index notification_event_unrouted on notification_event (created_at) where routed_at is null;

create table notification_delivery (
    id              uuid        primary key,
    event_id        uuid        not null references notification_event (id),
    -- hex SHA-256 of event id | channel | target: the same message to the same address once
    idempotency_key text        not null unique,
    channel         text        not null,
    target          text        not null,     -- channel:value, as Address.target()
    kind            text        not null,
    thread_key      text        not null,
    status          text        not null,
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null,
    lease_until     timestamptz,
    last_error      text,
    external_ref    text,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    sent_at         timestamptz,
    constraint notification_delivery_status check (
        status in ('PENDING', 'SENDING', 'RETRY', 'SENT', 'DEAD')),
    constraint notification_delivery_leased check ((status = 'SENDING') = (lease_until is not null))
);

create index notification_delivery_due on notification_delivery (next_attempt_at)
    where status in ('PENDING', 'RETRY');
create index notification_delivery_lease on notification_delivery (lease_until)
    where status = 'SENDING';
create index notification_delivery_dead on notification_delivery (updated_at)
    where status = 'DEAD';
create index notification_delivery_thread on notification_delivery (channel, target, thread_key, sent_at)
    where status = 'SENT';
create index notification_delivery_event on notification_delivery (event_id);
