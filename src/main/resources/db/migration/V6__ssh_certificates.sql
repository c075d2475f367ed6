-- SSH certificates revoked before they expired (the ssh provider, src/docs/providers.md). The serials
-- of the configured CA whose certificates have not expired yet are published as an OpenSSH Key
-- Revocation List at /api/v1/ssh/krl, which sshd hosts fetch for RevokedKeys. Rows are kept after
-- expiry as a record; the KRL leaves them out.
create table ssh_revoked_certificate (
    ca_fingerprint text          not null,  -- SHA256:… of the CA key that signed the certificate
    serial         numeric(20,0) not null    -- unsigned 64-bit, as ssh-keygen -L and sshd's log show it
        check (serial > 0 and serial < 18446744073709551616),
    grant_id       uuid          not null,
    valid_before   timestamptz,              -- when the certificate expires; null: unknown, listed for good
    revoked_at     timestamptz   not null,
    primary key (ca_fingerprint, serial)
);

create index ssh_revoked_certificate_grant_idx on ssh_revoked_certificate (grant_id);
