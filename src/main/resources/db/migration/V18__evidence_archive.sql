-- Where a signed-off campaign's evidence pack is archived (issue 16: kept as long as the ledger, in
-- the S3 Object Lock bucket when one is configured). Written by the evidence archiver in the
-- transaction of the campaign's review.evidence_archived event, once: a campaign with a
-- pack_location is never archived again.
alter table review_campaign
    add column pack_location     text,           -- e.g. s3://bucket/portcullis/audit/evidence/<id>/<sha256>.zip
    add column pack_version_id   text,           -- the object version (an Object Lock bucket versions)
    add column pack_sha256       text check (pack_sha256 ~ '^[0-9a-f]{64}$'),  -- of the ZIP's bytes
    add column pack_lock_mode    text,           -- GOVERNANCE or COMPLIANCE
    add column pack_retain_until timestamptz,    -- locked until then
    add column pack_archived_at  timestamptz,
    -- not before then does a replica try (again): the claim of a replica at work (a lease), or the
    -- wait after a pack that could not be made
    add column pack_attempt_after timestamptz,
    -- why the pack is not archived yet (the last failure), cleared once it is
    add column pack_problem      text,
    add check ((pack_location is null) = (pack_archived_at is null)),
    add check ((pack_location is null) = (pack_sha256 is null));

-- the archiver's queue: signed-off campaigns whose pack is not archived yet
create index review_campaign_pack_pending on review_campaign (signed_off_at)
    where state = 'SIGNED_OFF' and pack_location is null;
