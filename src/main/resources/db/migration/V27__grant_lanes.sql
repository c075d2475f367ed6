-- The grant engine claims due grants per provider lane (ADR 0004): "provider = ? and
-- next_attempt_at <= now() order by next_attempt_at". This index serves those claims and each
-- lane's "when is my next grant due"; the lane of the rest (providers without a lane of their own)
-- keeps using access_grant_due_idx.
create index access_grant_due_provider_idx on access_grant (provider, next_attempt_at)
    where next_attempt_at is not null;
