package io.portcullis.provider;

import java.time.Instant;

/**
 * The outcome of a revocation.
 *
 * @param effectiveUntil until when access that was already handed out keeps working despite the
 *     revocation (an AWS session, an SSH certificate), or null when it stopped at once
 */
public record Revoked(Instant effectiveUntil) {

  /** Access ended at once. */
  public static final Revoked NOW = new Revoked(null);
}
