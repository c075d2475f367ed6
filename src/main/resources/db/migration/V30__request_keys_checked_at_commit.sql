-- Rows that name a request and are written in the request's own transaction through plain JDBC
-- (issue 20: a native query flushed the whole ORM session first) are checked against it when the
-- transaction commits, not at their insert: the request itself is written by the ORM when the
-- session flushes, at the latest at commit, on the same connection.
--   notification_event: io.portcullis.notify.NotificationOutbox (a submit's reviewer notices)
--   access_grant:       io.portcullis.grant.PanacheGrantStore.schedule (a request approved by a
--                       rule or activated by break-glass at submit)
-- A row naming a request that does not exist still fails the commit, and the whole state change
-- rolls back with it.
alter table notification_event
    alter constraint notification_event_request_id_fkey deferrable initially deferred;
alter table access_grant
    alter constraint access_grant_request_id_fkey deferrable initially deferred;
