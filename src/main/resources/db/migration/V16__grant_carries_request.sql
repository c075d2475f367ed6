-- The hand-off copies onto each grant what the engine needs from its request: the requester as the
-- identity provider described them when they asked (for the activation gate, the provider's
-- requester and the kill switch's scope match), the ticket, the requester's provider inputs and
-- whether it was break-glass. The grant feature then never reads access_request (ADR 0008).
-- Like the provider parameters, these never change once the grant is written.
alter table access_grant
    add column requester jsonb,
    add column ticket text,
    add column inputs jsonb not null default '{}'::jsonb check (jsonb_typeof(inputs) = 'object'),
    add column break_glass boolean not null default false;

update access_grant g
   set requester = r.requester,
       ticket = r.ticket,
       inputs = r.inputs,
       break_glass = r.break_glass
  from access_request r
 where r.id = g.request_id;

alter table access_grant alter column requester set not null;

-- The kill switch narrows live grants by a requester's group.
create index access_grant_requester_groups on access_grant using gin ((requester -> 'groups'))
    where state in ('SCHEDULED', 'ACTIVATING', 'ACTIVE', 'REVOKING', 'IRREVOCABLE');
