package io.portcullis.grant;

import io.portcullis.platform.error.Problems;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/**
 * Access granted to one person for one entitlement, from an approved request: activated through its
 * provider, revoked at {@code notAfter} or earlier. Its state only moves through the named
 * transitions below, each refusing an illegal move with a 409 naming the current state. Callers
 * hold the row lock (the engine claims with {@code FOR UPDATE SKIP LOCKED}, the API locks with
 * {@code PESSIMISTIC_WRITE}) and {@code version} guards against lost updates besides.
 *
 * <p>{@code nextAttemptAt} is the due-queue: it is set exactly while work is pending (activation at
 * the start, revocation at {@code notAfter}, a retry after a failure) and compared with the
 * database clock. Times passed to transitions are database times.
 *
 * <p>An extension approved for a provider that renews in place is pending on the grant ({@code
 * extensionRequestId}, {@code extendTo}) and due at once; {@code notAfter} moves only when the
 * provider confirmed the new end ({@link #extended}), so the grant never claims more time than the
 * provider was told. It is pending only while the grant is ACTIVE: any move out of ACTIVE drops it.
 *
 * <p>Its JSON values are never changed in place, so they are mapped {@code Immutability}: no deep
 * copy on every load (see {@code AccessRequest}).
 */
@Entity
@Table(name = "access_grant")
public class AccessGrant extends GrantTerms {

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private GrantState state;

  @Column(name = "activated_at")
  private Instant activatedAt;

  @Column(name = "not_after")
  private Instant notAfter;

  @Column(name = "effective_until")
  private Instant effectiveUntil;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(name = "handle")
  private Map<String, Object> handle;

  @Column(nullable = false)
  private int attempts;

  @Column(name = "next_attempt_at")
  private Instant nextAttemptAt;

  @Column(name = "last_error")
  private String lastError;

  @Column(name = "revoke_cause")
  private String revokeCause;

  @Column(name = "revoke_requested_by")
  private String revokeRequestedBy;

  @Column(name = "revoke_requested_at")
  private Instant revokeRequestedAt;

  @Column(name = "revoke_reason")
  private String revokeReason;

  @Column(name = "revoked_at")
  private Instant revokedAt;

  @Column(name = "credential_retrieved_at")
  private Instant credentialRetrievedAt;

  @Column(name = "updated_at")
  private Instant updatedAt;

  /** The approved extension the provider has yet to confirm, or null. */
  @Column(name = "extension_request_id")
  private UUID extensionRequestId;

  /** The end asked of the provider for the pending extension, or null. */
  @Column(name = "extend_to")
  private Instant extendTo;

  @Version private long version;

  protected AccessGrant() {}

  // ------------------------------------------------------------------ transitions

  /** SCHEDULED/ACTIVATING → ACTIVE: the provider issued access; the clock starts now. */
  public void activate(Instant now, Map<String, Object> handle, Instant effectiveUntil) {
    activate(now, handle, effectiveUntil, now.plusSeconds(durationSeconds));
  }

  /**
   * SCHEDULED/ACTIVATING → ACTIVE, ending at {@code notAfter}: the duration approved, or earlier
   * when the policy brings the end forward (the requester's eligibility ends first), never later.
   */
  public void activate(
      Instant now, Map<String, Object> handle, Instant effectiveUntil, Instant notAfter) {
    require("activate", GrantState.SCHEDULED, GrantState.ACTIVATING);
    if (notAfter.isAfter(now.plusSeconds(durationSeconds)) || !notAfter.isAfter(now)) {
      throw new IllegalArgumentException(
          "A grant ends after it starts and no later than its approved duration: " + notAfter);
    }
    this.state = GrantState.ACTIVE;
    this.activatedAt = now;
    this.notAfter = notAfter;
    this.effectiveUntil = effectiveUntil;
    this.handle = handle;
    this.attempts = 0;
    this.lastError = null;
    this.nextAttemptAt = notAfter;
    this.updatedAt = now;
  }

  /** SCHEDULED/ACTIVATING → ACTIVATING: an attempt failed; try again at {@code retryAt}. */
  public void activationAttemptFailed(Instant now, String error, Instant retryAt) {
    require("retry activation of", GrantState.SCHEDULED, GrantState.ACTIVATING);
    this.state = GrantState.ACTIVATING;
    this.attempts++;
    this.lastError = error;
    this.nextAttemptAt = retryAt;
    this.updatedAt = now;
  }

  /**
   * SCHEDULED/ACTIVATING stays as it is, due again at {@code at}: the policy does not let it start
   * now (outside its activation window). Not a failed attempt: nothing was asked of the provider.
   */
  public void deferActivation(Instant now, String reason, Instant at) {
    require("defer activation of", GrantState.SCHEDULED, GrantState.ACTIVATING);
    if (!at.isAfter(now)) {
      throw new IllegalArgumentException("A deferred activation is due later, not at " + at);
    }
    this.lastError = reason;
    this.nextAttemptAt = at;
    this.updatedAt = now;
  }

  /** SCHEDULED/ACTIVATING → ACTIVATION_FAILED: no more attempts. */
  public void activationFailed(Instant now, String error) {
    require("fail activation of", GrantState.SCHEDULED, GrantState.ACTIVATING);
    this.state = GrantState.ACTIVATION_FAILED;
    this.attempts++;
    this.lastError = error;
    this.nextAttemptAt = null;
    this.updatedAt = now;
  }

  /**
   * Asks for revocation before expiry. A grant that never reached its provider (SCHEDULED) ends at
   * once; ACTIVATING and ACTIVE move to REVOKING, due now; REVOKING and IRREVOCABLE are already on
   * their way and stay as they are.
   *
   * @return whether anything changed
   */
  public boolean requestRevocation(Instant now, RevokeCause cause, String by, String reason) {
    switch (state) {
      case SCHEDULED -> {
        markRevokeRequest(now, cause, by, reason);
        this.state = GrantState.REVOKED;
        this.revokedAt = now;
        this.nextAttemptAt = null;
        return true;
      }
      case ACTIVATING, ACTIVE -> {
        markRevokeRequest(now, cause, by, reason);
        dropExtension();
        this.state = GrantState.REVOKING;
        this.attempts = 0;
        this.nextAttemptAt = now;
        return true;
      }
      case REVOKING, IRREVOCABLE -> {
        return false;
      }
      default ->
          throw new Problems.Conflict(
              "Grant " + id + " is " + state + " and has nothing left to revoke.");
    }
  }

  /** A grant already being revoked is retried now rather than at its next backoff. */
  public void expediteRevocation(Instant now) {
    require("expedite revocation of", GrantState.REVOKING, GrantState.IRREVOCABLE);
    this.nextAttemptAt = now;
    this.updatedAt = now;
  }

  private void markRevokeRequest(Instant now, RevokeCause cause, String by, String reason) {
    this.revokeCause = cause.code();
    this.revokeRequestedBy = by;
    this.revokeRequestedAt = now;
    this.revokeReason = reason;
    this.updatedAt = now;
  }

  /**
   * ACTIVE (at expiry)/REVOKING/IRREVOCABLE → REVOKED: the provider confirmed, or had nothing.
   *
   * @param residualUntil until when already handed-out access keeps working, or null
   */
  public void revoked(Instant now, Instant residualUntil) {
    require(
        "confirm revocation of", GrantState.ACTIVE, GrantState.REVOKING, GrantState.IRREVOCABLE);
    if (state == GrantState.ACTIVE) {
      this.revokeCause = RevokeCause.EXPIRY.code();
      dropExtension();
    }
    this.state = GrantState.REVOKED;
    this.attempts++;
    this.revokedAt = now;
    this.nextAttemptAt = null;
    this.lastError = null;
    if (residualUntil != null) {
      this.effectiveUntil = residualUntil;
    } else if (effectiveUntil != null && effectiveUntil.isAfter(now)) {
      this.effectiveUntil = now;
    }
    this.updatedAt = now;
  }

  /** ACTIVE/REVOKING → REVOKING, IRREVOCABLE stays: an attempt failed; again at {@code retryAt}. */
  public void revocationAttemptFailed(Instant now, String error, Instant retryAt) {
    require("retry revocation of", GrantState.ACTIVE, GrantState.REVOKING, GrantState.IRREVOCABLE);
    if (state == GrantState.ACTIVE) {
      this.revokeCause = RevokeCause.EXPIRY.code();
      this.state = GrantState.REVOKING;
      dropExtension();
    }
    this.attempts++;
    this.lastError = error;
    this.nextAttemptAt = retryAt;
    this.updatedAt = now;
  }

  /** ACTIVE/REVOKING → IRREVOCABLE: every regular retry failed; keep trying at {@code retryAt}. */
  public void irrevocable(Instant now, String error, Instant retryAt) {
    require("give up regular revocation of", GrantState.ACTIVE, GrantState.REVOKING);
    if (state == GrantState.ACTIVE) {
      this.revokeCause = RevokeCause.EXPIRY.code();
      dropExtension();
    }
    this.state = GrantState.IRREVOCABLE;
    this.attempts++;
    this.lastError = error;
    this.nextAttemptAt = retryAt;
    this.updatedAt = now;
  }

  /**
   * ACTIVE stays ACTIVE, due now: an extension was approved and the provider renews in place; the
   * engine asks it for {@code extendTo} and only then moves {@code notAfter}.
   */
  public void approveExtension(Instant now, UUID requestId, Instant extendTo) {
    require("extend", GrantState.ACTIVE);
    if (extensionRequestId != null) {
      throw new Problems.Conflict(
          "Grant "
              + id
              + " is ACTIVE and still being extended by request "
              + extensionRequestId
              + " at its provider; try again once that is done.");
    }
    if (!extendTo.isAfter(notAfter)) {
      throw new IllegalArgumentException("An extension ends after the grant does: " + extendTo);
    }
    this.extensionRequestId = requestId;
    this.extendTo = extendTo;
    this.attempts = 0;
    this.lastError = null;
    this.nextAttemptAt = now;
    this.updatedAt = now;
  }

  /**
   * ACTIVE with an extension pending stays ACTIVE, now ending at {@code newNotAfter}: the provider
   * confirmed it (the asked end, or earlier when the requester's eligibility ends first).
   *
   * @param residualUntil until when access keeps working after the new end, or null
   */
  public void extended(Instant now, Instant newNotAfter, Instant residualUntil) {
    requirePendingExtension("confirm the extension of");
    if (!newNotAfter.isAfter(notAfter) || newNotAfter.isAfter(extendTo)) {
      throw new IllegalArgumentException(
          "An extension ends after the grant did and no later than asked: " + newNotAfter);
    }
    this.notAfter = newNotAfter;
    this.effectiveUntil = residualUntil;
    dropExtension();
    this.attempts = 0;
    this.lastError = null;
    this.nextAttemptAt = newNotAfter;
    this.updatedAt = now;
  }

  /**
   * ACTIVE with an extension pending stays so: the provider did not confirm; try again at {@code
   * retryAt}, or at the grant's end if that comes first (the end is then revoked as usual).
   */
  public void extensionAttemptFailed(Instant now, String error, Instant retryAt) {
    requirePendingExtension("retry the extension of");
    this.attempts++;
    this.lastError = error;
    this.nextAttemptAt = retryAt.isBefore(notAfter) ? retryAt : notAfter;
    this.updatedAt = now;
  }

  /** ACTIVE with an extension pending → ACTIVE, ending as before: the extension is given up. */
  public void extensionFailed(Instant now, String error) {
    requirePendingExtension("give up the extension of");
    dropExtension();
    this.attempts = 0;
    this.lastError = error;
    this.nextAttemptAt = notAfter;
    this.updatedAt = now;
  }

  private void requirePendingExtension(String action) {
    require(action, GrantState.ACTIVE);
    if (extensionRequestId == null) {
      throw new Problems.Conflict(
          "Cannot " + action + " grant " + id + ": it is ACTIVE with no extension pending.");
    }
  }

  private void dropExtension() {
    this.extensionRequestId = null;
    this.extendTo = null;
  }

  /** Records that the requester took the credential (it is handed out once). */
  public void credentialRetrieved(Instant now) {
    require("hand out the credential of", GrantState.ACTIVE);
    if (credentialRetrievedAt != null) {
      throw new Problems.Conflict("The credential of grant " + id + " was already handed out.");
    }
    this.credentialRetrievedAt = now;
    this.updatedAt = now;
  }

  private void require(String action, GrantState... allowed) {
    if (Arrays.stream(allowed).noneMatch(s -> s == state)) {
      throw new Problems.Conflict(
          "Cannot "
              + action
              + " grant "
              + id
              + ": it is "
              + state
              + " (allowed from "
              + Arrays.toString(allowed)
              + ").");
    }
  }

  // ------------------------------------------------------------------ reading

  public GrantState state() {
    return state;
  }

  public Instant activatedAt() {
    return activatedAt;
  }

  public Instant notAfter() {
    return notAfter;
  }

  public Instant effectiveUntil() {
    return effectiveUntil;
  }

  /** The provider's handle, or null before activation. */
  public Map<String, Object> handle() {
    return handle;
  }

  public int attempts() {
    return attempts;
  }

  public Instant nextAttemptAt() {
    return nextAttemptAt;
  }

  public String lastError() {
    return lastError;
  }

  public RevokeCause revokeCause() {
    return RevokeCause.of(revokeCause);
  }

  public String revokeRequestedBy() {
    return revokeRequestedBy;
  }

  public Instant revokeRequestedAt() {
    return revokeRequestedAt;
  }

  public String revokeReason() {
    return revokeReason;
  }

  public Instant revokedAt() {
    return revokedAt;
  }

  public Instant credentialRetrievedAt() {
    return credentialRetrievedAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  /** The approved extension the provider has yet to confirm, or null. */
  public UUID extensionRequestId() {
    return extensionRequestId;
  }

  /** The end asked of the provider for the pending extension, or null. */
  public Instant extendTo() {
    return extendTo;
  }

  /** For tests of the transitions: a grant in a given state, as the database would hold it. */
  static AccessGrant restore(
      UUID id,
      GrantState state,
      String provider,
      Duration duration,
      Instant notAfter,
      Map<String, Object> handle) {
    AccessGrant g = new AccessGrant();
    g.id = id;
    g.requestId = UUID.randomUUID();
    g.entitlement = "test";
    g.requesterKey = "test";
    g.state = state;
    g.provider = provider;
    g.providerParams = Map.of();
    g.durationSeconds = duration.getSeconds();
    g.notAfter = notAfter;
    g.handle = handle;
    g.nextAttemptAt = state.isFinal() ? null : notAfter;
    return g;
  }
}
