-- Values a requester supplies for the provider when asking (e.g. an SSH public key to certify).
-- Not secret by contract; part of the request's digest, so immutable once submitted.
alter table access_request
    add column inputs jsonb not null default '{}'::jsonb
        check (jsonb_typeof(inputs) = 'object');
