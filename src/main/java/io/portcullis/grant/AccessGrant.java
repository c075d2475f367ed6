package io.portcullis.grant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The hand-off from an approved request to the grant engine: one grant per (request, entitlement),
 * written in the approving transaction. The engine that activates and revokes it is the next piece
 * of work; until then a grant stays SCHEDULED.
 */
@Entity
@Table(name = "access_grant")
public class AccessGrant {

  /** Grant states; the engine moves them forward. */
  public static final String SCHEDULED = "SCHEDULED";

  @Id private UUID id;

  @Column(name = "request_id", nullable = false, updatable = false)
  private UUID requestId;

  @Column(nullable = false, updatable = false)
  private String entitlement;

  @Column(name = "requester_key", nullable = false, updatable = false)
  private String requesterKey;

  @Column(nullable = false)
  private String state;

  @Column(name = "not_before", updatable = false)
  private Instant notBefore;

  @Column(name = "duration_seconds", nullable = false, updatable = false)
  private long durationSeconds;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  @Version private long version;

  protected AccessGrant() {}

  /** A grant handed to the engine for an approved request. */
  public static AccessGrant scheduled(
      UUID id,
      UUID requestId,
      String entitlement,
      String requesterKey,
      Instant notBefore,
      Duration duration,
      Instant at) {
    AccessGrant g = new AccessGrant();
    g.id = id;
    g.requestId = requestId;
    g.entitlement = entitlement;
    g.requesterKey = requesterKey;
    g.state = SCHEDULED;
    g.notBefore = notBefore;
    g.durationSeconds = duration.getSeconds();
    g.createdAt = at;
    return g;
  }

  public UUID id() {
    return id;
  }

  public UUID requestId() {
    return requestId;
  }

  public String entitlement() {
    return entitlement;
  }

  public String requesterKey() {
    return requesterKey;
  }

  public String state() {
    return state;
  }

  public Instant notBefore() {
    return notBefore;
  }

  public Duration duration() {
    return Duration.ofSeconds(durationSeconds);
  }

  public Instant createdAt() {
    return createdAt;
  }
}
