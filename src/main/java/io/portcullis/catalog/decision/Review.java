package io.portcullis.catalog.decision;

import io.portcullis.identity.Caller;
import java.time.Instant;

/**
 * A review as recorded: who (as the IdP described them when they reviewed), what, when.
 *
 * @param reviewer the reviewer's identity at decision time
 */
public record Review(Caller reviewer, Verdict verdict, Instant at, String comment) {

  /** Approve or deny. */
  public enum Verdict {
    APPROVE,
    DENY
  }
}
