-- A person counts once per entitlement of a request, not once per request: a reviewer whose review
-- already counts for one entitlement may review again when a stage of another entitlement opens to
-- them (src/docs/adr/0003-access-requests.md). "Counts once" is enforced where reviews are resolved
-- (PolicyDecisions.resolve) under the request's row lock, so the table keeps an index, not a
-- uniqueness rule.
alter table request_review drop constraint if exists request_review_request_id_reviewer_key_key;
create index if not exists request_review_reviewer_idx on request_review (request_id, reviewer_key);
