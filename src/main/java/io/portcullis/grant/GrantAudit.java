package io.portcullis.grant;

import io.portcullis.audit.AuditEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The audit trail of grants: every event the grant feature records, with its type and details in
 * one place (the catalogue is {@code src/docs/audit-events.md}; {@code AuditCatalogueTest} reads
 * the constants below). The engine's events carry the grant's provider, requester key, attempts,
 * policy version and the engine node that acted.
 */
public final class GrantAudit {

  public static final String ACTIVATED = "grant.activated";
  public static final String ACTIVATION_RETRY = "grant.activation_retry";
  public static final String ACTIVATION_FAILED = "grant.activation_failed";
  public static final String ACTIVATION_DEFERRED = "grant.activation_deferred";
  public static final String ACTIVATION_REFUSED = "grant.activation_refused";
  public static final String REVOKED = "grant.revoked";
  public static final String REVOCATION_RETRY = "grant.revocation_retry";
  public static final String IRREVOCABLE = "grant.irrevocable";
  public static final String REVOCATION_REQUESTED = "grant.revocation_requested";
  public static final String CREDENTIAL_RETRIEVED = "grant.credential_retrieved";
  public static final String CREDENTIAL_DISCARDED = "grant.credential_discarded";
  public static final String KILL_SWITCH = "grant.kill_switch";
  public static final String REVOCATION_RETRY_REQUESTED = "grant.revocation_retry_requested";
  public static final String IRREVOCABLE_ACKNOWLEDGED = "grant.irrevocable_acknowledged";
  public static final String EXTENSION_PENDING = "grant.extension_pending";
  public static final String EXTENDED = "grant.extended";
  public static final String EXTENSION_RETRY = "grant.extension_retry";
  public static final String EXTENSION_FAILED = "grant.extension_failed";

  /** Every event type above. */
  public static final List<String> TYPES =
      List.of(
          ACTIVATED,
          ACTIVATION_RETRY,
          ACTIVATION_FAILED,
          ACTIVATION_DEFERRED,
          ACTIVATION_REFUSED,
          REVOKED,
          REVOCATION_RETRY,
          IRREVOCABLE,
          REVOCATION_REQUESTED,
          CREDENTIAL_RETRIEVED,
          CREDENTIAL_DISCARDED,
          KILL_SWITCH,
          REVOCATION_RETRY_REQUESTED,
          IRREVOCABLE_ACKNOWLEDGED,
          EXTENSION_PENDING,
          EXTENDED,
          EXTENSION_RETRY,
          EXTENSION_FAILED);

  private GrantAudit() {}

  /** The grant, its request and entitlement. */
  static Map<String, String> targets(AccessGrant g) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("grant", g.id().toString());
    t.put("request", g.requestId().toString());
    t.put("entitlement", g.entitlement());
    return t;
  }

  private static Map<String, Object> engine(AccessGrant g, String node) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("provider", g.provider());
    d.put("requester", g.requesterKey());
    d.put("attempts", g.attempts());
    d.put("policyVersion", g.policyVersion());
    d.put("node", node);
    return d;
  }

  private static AuditEvent byEngine(String type, AccessGrant g, Map<String, Object> d) {
    return new AuditEvent(type, GrantEngine.ACTOR, targets(g), d);
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }

  /**
   * @param handle the provider's non-secret handle, as the ledger can hash it
   * @param endBroughtForward why it ends before its approved duration does, or null
   */
  static AuditEvent activated(AccessGrant g, String node, Object handle, String endBroughtForward) {
    Map<String, Object> d = engine(g, node);
    d.put("notAfter", g.notAfter().toString());
    if (endBroughtForward != null) {
      d.put("endBroughtForward", endBroughtForward);
    }
    d.put("effectiveUntil", str(g.effectiveUntil()));
    d.put("handle", handle);
    return byEngine(ACTIVATED, g, d);
  }

  static AuditEvent activationRetry(
      AccessGrant g, String node, String error, String errorKind, Instant nextAttemptAt) {
    Map<String, Object> d = engine(g, node);
    d.put("error", error);
    d.put("errorKind", errorKind);
    d.put("nextAttemptAt", nextAttemptAt.toString());
    return byEngine(ACTIVATION_RETRY, g, d);
  }

  /**
   * @param cleanup what happened to an attempt of unknown outcome, or null
   */
  static AuditEvent activationFailed(
      AccessGrant g, String node, String error, String errorKind, String cleanup) {
    Map<String, Object> d = engine(g, node);
    d.put("error", error);
    d.put("errorKind", errorKind);
    if (cleanup != null) {
      d.put("cleanup", cleanup);
    }
    return byEngine(ACTIVATION_FAILED, g, d);
  }

  /** Outside the activation window: due again at its next opening; the provider was not called. */
  static AuditEvent activationDeferred(
      AccessGrant g, String node, String reason, Instant nextAttemptAt) {
    Map<String, Object> d = engine(g, node);
    d.put("reason", reason);
    d.put("nextAttemptAt", nextAttemptAt.toString());
    return byEngine(ACTIVATION_DEFERRED, g, d);
  }

  /** The policy in force no longer lets it start; the provider was not called. */
  static AuditEvent activationRefused(AccessGrant g, String node, String reason) {
    Map<String, Object> d = engine(g, node);
    d.put("reason", reason);
    return byEngine(ACTIVATION_REFUSED, g, d);
  }

  /**
   * @param providerSaid {@code revoked} or {@code not found}
   * @param was the state before
   */
  static AuditEvent revoked(
      AccessGrant g, String node, String providerSaid, String was, long lagMillis) {
    Map<String, Object> d = engine(g, node);
    d.put("cause", g.revokeCause().code());
    d.put("providerSaid", providerSaid);
    d.put("effectiveUntil", str(g.effectiveUntil()));
    d.put("was", was);
    d.put("lagMillis", lagMillis);
    return byEngine(REVOKED, g, d);
  }

  /**
   * @param irrevocable whether this is one of the slow retries of an IRREVOCABLE grant
   */
  static AuditEvent revocationRetry(
      AccessGrant g,
      String node,
      String error,
      String errorKind,
      Instant nextAttemptAt,
      boolean irrevocable) {
    Map<String, Object> d = engine(g, node);
    d.put("error", error);
    d.put("errorKind", errorKind);
    d.put("nextAttemptAt", nextAttemptAt.toString());
    if (irrevocable) {
      d.put("irrevocable", true);
    } else {
      d.put("cause", g.revokeCause().code());
    }
    return byEngine(REVOCATION_RETRY, g, d);
  }

  static AuditEvent irrevocable(
      AccessGrant g, String node, String error, String errorKind, Instant nextAttemptAt) {
    Map<String, Object> d = engine(g, node);
    d.put("error", error);
    d.put("errorKind", errorKind);
    d.put("nextAttemptAt", nextAttemptAt.toString());
    d.put("cause", g.revokeCause().code());
    return byEngine(IRREVOCABLE, g, d);
  }

  /** The requester took the credential: which fields, never their values. */
  static AuditEvent credentialRetrieved(AccessGrant g, String actor, List<String> fields) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("provider", g.provider());
    d.put("fields", List.copyOf(fields));
    return new AuditEvent(CREDENTIAL_RETRIEVED, actor, targets(g), d);
  }

  static AuditEvent credentialDiscarded(UUID grant, String reason) {
    return new AuditEvent(
        CREDENTIAL_DISCARDED,
        GrantEngine.ACTOR,
        Map.of("grant", grant.toString()),
        Map.of("reason", reason));
  }

  /**
   * Revocation asked for before expiry, by a person or by a kill switch.
   *
   * @param operation the kill switch's operation id, or null
   */
  static AuditEvent revocationRequested(
      AccessGrant g,
      String actor,
      RevokeCause cause,
      String reason,
      UUID operation,
      String was,
      UUID droppedExtension) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("cause", cause.code());
    d.put("reason", reason);
    if (operation != null) {
      d.put("operation", operation.toString());
    }
    d.put("was", was);
    d.put("now", g.state().name());
    d.put("provider", g.provider());
    if (droppedExtension != null) {
      d.put("droppedExtension", droppedExtension.toString());
    }
    return new AuditEvent(REVOCATION_REQUESTED, actor, targets(g), d);
  }

  /**
   * An extension was approved and the provider renews in place: the engine asks it for {@code
   * extendTo} now; the grant keeps its end until the provider confirms.
   *
   * @param actor who completed the approval
   */
  static AuditEvent extensionPending(AccessGrant g, String actor) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("extensionRequest", g.extensionRequestId().toString());
    d.put("notAfter", g.notAfter().toString());
    d.put("extendTo", g.extendTo().toString());
    d.put("provider", g.provider());
    return new AuditEvent(EXTENSION_PENDING, actor, targets(g), d);
  }

  /**
   * The provider confirmed the new end: the same grant, the same credential, a later {@code
   * notAfter}.
   *
   * @param endBroughtForward why it ends before the end asked, or null
   */
  static AuditEvent extended(
      AccessGrant g,
      String node,
      UUID extensionRequest,
      Instant previousNotAfter,
      String endBroughtForward) {
    Map<String, Object> d = engine(g, node);
    d.put("extensionRequest", extensionRequest.toString());
    d.put("previousNotAfter", previousNotAfter.toString());
    d.put("notAfter", g.notAfter().toString());
    if (endBroughtForward != null) {
      d.put("endBroughtForward", endBroughtForward);
    }
    d.put("effectiveUntil", str(g.effectiveUntil()));
    return byEngine(EXTENDED, g, d);
  }

  static AuditEvent extensionRetry(
      AccessGrant g, String node, String error, String errorKind, Instant nextAttemptAt) {
    Map<String, Object> d = engine(g, node);
    d.put("extensionRequest", g.extensionRequestId().toString());
    d.put("extendTo", g.extendTo().toString());
    d.put("error", error);
    d.put("errorKind", errorKind);
    d.put("nextAttemptAt", nextAttemptAt.toString());
    return byEngine(EXTENSION_RETRY, g, d);
  }

  /**
   * The extension is given up; the grant ends as before ({@code notAfter}), or is being revoked.
   *
   * @param errorKind the provider's error kind, or {@code POLICY} / {@code EXPIRED}
   */
  static AuditEvent extensionFailed(
      AccessGrant g, String node, UUID extensionRequest, String error, String errorKind) {
    Map<String, Object> d = engine(g, node);
    d.put("extensionRequest", extensionRequest.toString());
    d.put("error", error);
    d.put("errorKind", errorKind);
    d.put("notAfter", g.notAfter() == null ? null : g.notAfter().toString());
    d.put("state", g.state().name());
    return byEngine(EXTENSION_FAILED, g, d);
  }

  /**
   * What a kill switch did, in one event.
   *
   * @param filter the scope as audited (emails only as HMACs)
   * @param suspension the suspension placed, or null
   */
  static AuditEvent killSwitch(
      UUID operation,
      String actor,
      Map<String, Object> filter,
      String reason,
      int matched,
      int endedAtOnce,
      int revoking,
      int alreadyRevoking,
      int requestsCancelled,
      boolean suspend,
      UUID suspension) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("filter", filter);
    d.put("reason", reason);
    d.put("matched", matched);
    d.put("endedAtOnce", endedAtOnce);
    d.put("revoking", revoking);
    d.put("alreadyRevoking", alreadyRevoking);
    d.put("requestsCancelled", requestsCancelled);
    d.put("suspend", suspend);
    d.put("suspension", suspension == null ? null : suspension.toString());
    return new AuditEvent(KILL_SWITCH, actor, Map.of("operation", operation.toString()), d);
  }

  /**
   * An admin asked for the next revocation attempt of a grant now, rather than at its backoff.
   *
   * @param wasDueAt when the attempt was due before
   */
  static AuditEvent revocationRetryRequested(
      AccessGrant g, String actor, String reason, Instant wasDueAt) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("reason", reason);
    d.put("state", g.state().name());
    d.put("attempts", g.attempts());
    d.put("lastError", g.lastError());
    d.put("wasDueAt", str(wasDueAt));
    d.put("nextAttemptAt", str(g.nextAttemptAt()));
    d.put("provider", g.provider());
    return new AuditEvent(REVOCATION_RETRY_REQUESTED, actor, targets(g), d);
  }

  /**
   * An admin acknowledged an IRREVOCABLE grant: they know, and say what they do about it. The grant
   * stays IRREVOCABLE and keeps being retried.
   */
  static AuditEvent irrevocableAcknowledged(AccessGrant g, String actor, String note) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("note", note);
    d.put("attempts", g.attempts());
    d.put("lastError", g.lastError());
    d.put("provider", g.provider());
    return new AuditEvent(IRREVOCABLE_ACKNOWLEDGED, actor, targets(g), d);
  }
}
