package io.portcullis.request;

import io.portcullis.identity.CallerSnapshot;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** A review as recorded, bound to the request digest the reviewer saw. Never changes. */
@Entity
@Table(name = "request_review")
public class RequestReview {

  /** The reviewer key of a review recorded by policy itself (auto-approval). */
  public static final String SYSTEM_POLICY = "system:policy";

  /** Approve or deny. */
  public enum Decision {
    APPROVE,
    DENY
  }

  @Id private UUID id;

  @Column(name = "request_id", nullable = false, updatable = false)
  private UUID requestId;

  @Column(name = "reviewer_key", nullable = false, updatable = false)
  private String reviewerKey;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(nullable = false, updatable = false)
  private CallerSnapshot reviewer;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, updatable = false)
  private Decision decision;

  @Column(updatable = false)
  private String comment;

  @Column(nullable = false, updatable = false)
  private String digest;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  protected RequestReview() {}

  static RequestReview of(
      UUID id,
      UUID requestId,
      String reviewerKey,
      CallerSnapshot reviewer,
      Decision decision,
      String comment,
      String digest,
      Instant at) {
    RequestReview r = new RequestReview();
    r.id = id;
    r.requestId = requestId;
    r.reviewerKey = reviewerKey;
    r.reviewer = reviewer;
    r.decision = decision;
    r.comment = comment;
    r.digest = digest;
    r.createdAt = at;
    return r;
  }

  public UUID id() {
    return id;
  }

  public UUID requestId() {
    return requestId;
  }

  public String reviewerKey() {
    return reviewerKey;
  }

  public CallerSnapshot reviewer() {
    return reviewer;
  }

  public Decision decision() {
    return decision;
  }

  public String comment() {
    return comment;
  }

  public String digest() {
    return digest;
  }

  public Instant createdAt() {
    return createdAt;
  }
}
