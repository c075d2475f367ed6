package io.portcullis.grant;

/**
 * Where a grant is in its life.
 *
 * <pre>
 * SCHEDULED ──▶ ACTIVATING ──▶ ACTIVE ──▶ REVOKING ──▶ REVOKED
 *     │             │            │           │            ▲
 *     │             ▼            │           ▼            │
 *     │     ACTIVATION_FAILED    └──────▶ IRREVOCABLE ────┘ (keeps retrying, slowly)
 *     └───────────────────────────────────────────────────┘ (revoked before it started)
 * </pre>
 */
public enum GrantState {
  /** Approved; waits for its start (or for the engine to pick it up). */
  SCHEDULED,
  /** An activation attempt failed and will be retried. */
  ACTIVATING,
  /** The provider issued access; it ends at {@code not_after}. */
  ACTIVE,
  /** Revocation is due or asked for and not yet confirmed by the provider. */
  REVOKING,
  /** The provider confirmed revocation (or had nothing left to revoke). Final. */
  REVOKED,
  /** Activation gave up; the reason is shown to the requester. Final. */
  ACTIVATION_FAILED,
  /** Revocation failed every regular retry; admins are alerted and it keeps retrying slowly. */
  IRREVOCABLE;

  /** Whether the grant may hold live access at the provider. */
  public boolean mayHoldAccess() {
    return this == ACTIVATING || this == ACTIVE || this == REVOKING || this == IRREVOCABLE;
  }

  public boolean isFinal() {
    return this == REVOKED || this == ACTIVATION_FAILED;
  }
}
