package io.portcullis.provider.aws;

import io.portcullis.provider.IssueRequest;
import java.time.Duration;
import java.time.Instant;

/** When a grant ends, as the AWS providers tell the requester. */
final class GrantEnd {

  private GrantEnd() {}

  /**
   * {@link IssueRequest#notAfter()}, or (should a caller leave it out) now plus the approved
   * duration, or an hour.
   */
  static Instant of(IssueRequest r, Instant now) {
    if (r.notAfter() != null) {
      return r.notAfter();
    }
    Duration d = r.duration();
    return now.plus(d == null || d.isNegative() || d.isZero() ? Duration.ofHours(1) : d);
  }
}
