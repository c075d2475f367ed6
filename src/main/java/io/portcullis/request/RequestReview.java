package io.portcullis.request;

import io.portcullis.identity.CallerSnapshot;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A review as recorded, bound to the request digest the reviewer saw. Never changes: written once
 * and read by {@link ReviewRows}, never through the ORM session.
 *
 * @param reviewerKey the reviewer's normalized subject ({@link #SYSTEM_POLICY} for a rule)
 * @param digest the request digest the reviewer saw
 */
public record RequestReview(
    UUID id,
    UUID requestId,
    String reviewerKey,
    CallerSnapshot reviewer,
    RequestReview.Decision decision,
    String comment,
    String digest,
    Instant createdAt) {

  public static final String SYSTEM_POLICY = "system:policy";

  public enum Decision {
    APPROVE,
    DENY
  }

  public RequestReview {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(reviewerKey, "reviewerKey");
    Objects.requireNonNull(reviewer, "reviewer");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  static RequestReview of(
      UUID id,
      UUID requestId,
      String reviewerKey,
      CallerSnapshot reviewer,
      Decision decision,
      String comment,
      String digest,
      Instant at) {
    return new RequestReview(id, requestId, reviewerKey, reviewer, decision, comment, digest, at);
  }
}
