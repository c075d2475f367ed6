package io.portcullis.request;

import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.PersonKey;
import io.portcullis.platform.error.Problems;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/**
 * An access request. Immutable once submitted except for its state, which only moves through the
 * named transitions below; each refuses an illegal move with a 409 naming the current state.
 * Callers hold a row lock ({@code PESSIMISTIC_WRITE}) when they transition, and {@code version}
 * guards against lost updates besides.
 *
 * <p>Its JSON columns hold values that are replaced whole, never changed in place ({@code
 * Immutability}): Hibernate keeps the loaded value as its snapshot instead of a deep copy made by
 * writing the JSON and parsing it again on every load (issue 20).
 */
@Entity
@Table(name = "access_request")
public class AccessRequest {

  @Id private UUID id;

  @Column(name = "requester_key", nullable = false, updatable = false)
  private String requesterKey;

  @Column(name = "requester_email_key", updatable = false)
  private String requesterEmailKey;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(nullable = false, updatable = false)
  private CallerSnapshot requester;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(nullable = false, updatable = false)
  private List<String> entitlements;

  @Column(name = "duration_seconds", nullable = false, updatable = false)
  private long durationSeconds;

  @Column(name = "start_at", updatable = false)
  private Instant startAt;

  @Column(nullable = false, updatable = false)
  private String justification;

  @Column(updatable = false)
  private String ticket;

  @Column(name = "break_glass", nullable = false, updatable = false)
  private boolean breakGlass;

  @Column(name = "policy_version", nullable = false, updatable = false)
  private String policyVersion;

  @Column(nullable = false, updatable = false)
  private String digest;

  @Column(name = "ask_key", nullable = false, updatable = false)
  private String askKey;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private RequestState state;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(nullable = false, updatable = false)
  private List<PlannedEntitlement> plan;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(nullable = false)
  private List<String> resolution;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  @Column(name = "expires_at", nullable = false, updatable = false)
  private Instant expiresAt;

  @Column(name = "decided_at")
  private Instant decidedAt;

  @Column(name = "extends_grant_id", updatable = false)
  private UUID extendsGrantId;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(nullable = false, updatable = false)
  private Map<String, String> inputs;

  @Version private long version;

  protected AccessRequest() {}

  /** A newly submitted request, PENDING until a transition decides it. */
  static AccessRequest submitted(
      UUID id,
      PersonKey owner,
      CallerSnapshot requester,
      List<String> entitlements,
      Duration duration,
      Instant startAt,
      String justification,
      String ticket,
      boolean breakGlass,
      String policyVersion,
      String digest,
      String askKey,
      List<PlannedEntitlement> plan,
      Instant createdAt,
      Instant expiresAt,
      UUID extendsGrantId,
      Map<String, String> inputs) {
    AccessRequest r = new AccessRequest();
    r.id = id;
    r.requesterKey = owner.subject();
    r.requesterEmailKey = owner.verifiedEmail();
    r.requester = requester;
    r.entitlements = List.copyOf(entitlements);
    r.durationSeconds = duration.getSeconds();
    r.startAt = startAt;
    r.justification = justification;
    r.ticket = ticket;
    r.breakGlass = breakGlass;
    r.policyVersion = policyVersion;
    r.digest = digest;
    r.askKey = askKey;
    r.state = RequestState.PENDING;
    r.plan = List.copyOf(plan);
    r.resolution = List.of();
    r.createdAt = createdAt;
    r.expiresAt = expiresAt;
    r.extendsGrantId = extendsGrantId;
    r.inputs = Map.copyOf(inputs);
    return r;
  }

  private void require(String action, RequestState... allowed) {
    if (!Arrays.asList(allowed).contains(state)) {
      throw new Problems.Conflict(
          "Cannot "
              + action
              + " request "
              + id
              + ": it is "
              + state
              + (allowed.length == 1 ? ", not " + allowed[0] : "")
              + ".");
    }
  }

  /** PENDING → APPROVED. */
  void approve(Instant at, List<String> reasons) {
    require("approve", RequestState.PENDING);
    state = RequestState.APPROVED;
    decidedAt = at;
    resolution = List.copyOf(reasons);
  }

  /** PENDING → DENIED. */
  void deny(Instant at, List<String> reasons) {
    require("deny", RequestState.PENDING);
    state = RequestState.DENIED;
    decidedAt = at;
    resolution = List.copyOf(reasons);
  }

  /** PENDING → CANCELLED, by the requester or the kill switch. */
  void cancel(Instant at) {
    require("cancel", RequestState.PENDING);
    state = RequestState.CANCELLED;
    decidedAt = at;
  }

  /** PENDING → EXPIRED, when nobody decided in time. */
  void expire(Instant at) {
    require("expire", RequestState.PENDING);
    state = RequestState.EXPIRED;
    decidedAt = at;
    resolution = List.of("nobody decided before " + expiresAt);
  }

  /** Records where the reviews stand while still pending. */
  void progress(List<String> reasons) {
    require("update", RequestState.PENDING);
    resolution = List.copyOf(reasons);
  }

  public UUID id() {
    return id;
  }

  public String requesterKey() {
    return requesterKey;
  }

  /** The requester as the identity rule compares people: subject and verified email. */
  public PersonKey owner() {
    return PersonKey.stored(requesterKey, requesterEmailKey);
  }

  public CallerSnapshot requester() {
    return requester;
  }

  public List<String> entitlements() {
    return entitlements;
  }

  public Duration duration() {
    return Duration.ofSeconds(durationSeconds);
  }

  public Instant startAt() {
    return startAt;
  }

  public String justification() {
    return justification;
  }

  public String ticket() {
    return ticket;
  }

  public boolean breakGlass() {
    return breakGlass;
  }

  public String policyVersion() {
    return policyVersion;
  }

  public String digest() {
    return digest;
  }

  public RequestState state() {
    return state;
  }

  public List<PlannedEntitlement> plan() {
    return plan;
  }

  public List<String> resolution() {
    return resolution;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public Instant decidedAt() {
    return decidedAt;
  }

  public UUID extendsGrantId() {
    return extendsGrantId;
  }

  /** Values the requester supplied for the providers (e.g. an SSH public key); never secret. */
  public Map<String, String> inputs() {
    return inputs == null ? Map.of() : inputs;
  }
}
