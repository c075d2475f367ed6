-- Extensions in place (src/docs/adr/0011-extensions.md): an approved extension of a grant whose
-- provider renews is pending on the grant until the provider confirms the new end; only then does
-- not_after move. The grant is due at once while it is pending (next_attempt_at), so the engine's
-- due-queue carries the renewal and its retries like any other provider call.

alter table access_grant
    add column extension_request_id uuid,        -- the approved extension request being applied
    add column extend_to            timestamptz; -- the end asked of the provider

alter table access_grant add constraint access_grant_extension_pending_whole check (
    (extension_request_id is null) = (extend_to is null));

-- Only an active grant is extended in place; every move out of ACTIVE drops a pending extension.
alter table access_grant add constraint access_grant_extension_pending_only_active check (
    extension_request_id is null or state = 'ACTIVE');
