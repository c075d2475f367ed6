-- One identity rule (io.portcullis.identity.Identities): two accounts are the same person when
-- their subjects match, or when both carry the same email that the identity provider verified.
-- Requests and grants keep the owner's verified email (normalised, NFKC + case folding) beside the
-- subject key, so that "mine", visibility and ownership follow that rule in SQL too. Rows written
-- before this column existed have no verified email on record (their snapshots never said the
-- email was verified), so they stay owned by subject alone.
alter table access_request add column requester_email_key text;
alter table access_grant add column requester_email_key text;

create index access_request_requester_email_idx
    on access_request (requester_email_key, created_at desc, id desc)
    where requester_email_key is not null;
create index access_grant_requester_email_idx
    on access_grant (requester_email_key, created_at desc, id desc)
    where requester_email_key is not null;
