-- grant.ending (issue 18): the end a holder was told about, so each end is announced once, by
-- whichever replica's heartbeat gets there first; an extension moves not_after and earns a new
-- notice. The partial index keeps the heartbeat's look at "ACTIVE, ending soon" cheap.
alter table access_grant add column ending_notice_for timestamptz;
create index access_grant_ending_idx on access_grant (not_after) where state = 'ACTIVE';
