package io.portcullis.provider;

/** Optional abilities of a {@link CredentialProvider}. */
public enum Capability {
  /** Issued access can be extended in place ({@link CredentialProvider#renew}). */
  RENEW,
  /**
   * Revocation leaves a residual window: access stays usable until {@link Revoked#effectiveUntil()}
   * (an AWS session, an SSH certificate that is only put on a revocation list).
   */
  RESIDUAL_WINDOW,
  /** {@link CredentialProvider#check()} verifies configuration and reachability. */
  CONFIG_CHECK,
  /** Revoke finds what was issued from the grant id alone, without a handle. */
  REVOKE_WITHOUT_HANDLE
}
