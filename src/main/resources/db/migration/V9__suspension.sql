-- Suspensions (io.portcullis.catalog.suspension): placed by the kill switch in the transaction that
-- revokes the grants and cancels the pending requests in its scope, they refuse new requests and
-- reviews in that scope until an admin lifts them. The scope is the kill switch's filter (set
-- fields AND-ed). A suspension is never deleted: lifting records who, when and why.

create table suspension (
    id                  uuid        primary key,
    scope_user          text,
    scope_group         text,
    scope_principal_set text,
    scope_entitlement   text,
    scope_provider      text,
    -- the principal set's users and groups when the suspension was placed (nested sets followed,
    -- until: ignored), so that a later policy edit dropping the set or a member does not lift it
    set_members         jsonb check (set_members is null or jsonb_typeof(set_members) = 'object'),
    reason              text        not null check (length(reason) between 1 and 1000),
    operation           uuid        not null,       -- the kill switch operation that placed it
    placed_by           text        not null,       -- IdP subject of the admin
    placed_by_name      text        not null,
    placed_at           timestamptz not null,
    lifted_by           text,
    lifted_by_name      text,
    lifted_at           timestamptz,
    lift_reason         text check (lift_reason is null or length(lift_reason) between 1 and 1000),
    version             bigint      not null default 0,
    check (coalesce(scope_user, scope_group, scope_principal_set, scope_entitlement,
                    scope_provider) is not null),
    check ((lifted_at is null) = (lifted_by is null)
       and (lifted_at is null) = (lifted_by_name is null)
       and (lifted_at is null) = (lift_reason is null))
);

-- Every request and review reads the active ones.
create index suspension_active_idx on suspension (placed_at desc, id desc) where lifted_at is null;
create index suspension_placed_idx on suspension (placed_at desc, id desc);
create index suspension_operation_idx on suspension (operation);
