package io.portcullis.grant;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.audit.AuditEvent;
import io.portcullis.catalog.decision.PolicyDecisions.ActivationGate;
import io.portcullis.identity.RoleConfig;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.provider.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * What the grant engine makes of a provider's answer: the grant's next state, its ledger events,
 * the credential to seal and the retry schedule (backoff with jitter, slower retries once
 * IRREVOCABLE), and the alert when revocation gives up. Called inside the engine's batch
 * transaction.
 */
final class GrantOutcomes {

  private static final Logger LOG = Logger.getLogger(GrantOutcomes.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String node;
  private final GrantConfig config;
  private final CredentialSealer sealer;
  private final NotificationOutbox outbox;
  private final RoleConfig roles;
  private final List<String> securityContacts;
  private final Backoff activationBackoff;
  private final Backoff revocationBackoff;

  GrantOutcomes(
      String node,
      GrantConfig config,
      CredentialSealer sealer,
      NotificationOutbox outbox,
      RoleConfig roles,
      List<String> securityContacts) {
    this.node = node;
    this.config = config;
    this.sealer = sealer;
    this.outbox = outbox;
    this.roles = roles;
    this.securityContacts = List.copyOf(securityContacts);
    this.activationBackoff =
        new Backoff(config.activation().initialBackoff(), config.activation().maxBackoff());
    this.revocationBackoff =
        new Backoff(config.revocation().initialBackoff(), config.revocation().maxBackoff());
  }

  void applyActivation(
      GrantWork w,
      CallOutcome o,
      Instant started,
      Instant now,
      List<AuditEvent> events,
      List<GrantEngine.Completion> completions,
      List<GrantCredentials.ToStore> credentials) {
    AccessGrant g = w.grant();
    if (!w.startsNow()) {
      ActivationGate gate = w.gate();
      if (gate.verdict() == ActivationGate.Verdict.DEFER) {
        g.deferActivation(now, gate.reason(), gate.retryAt());
        events.add(GrantAudit.activationDeferred(g, node, gate.reason(), gate.retryAt()));
        completions.add(
            new GrantEngine.Completion(
                g.id(), g.provider(), GrantEngine.Kind.ACTIVATION_DEFERRED, null, null));
      } else {
        g.activationFailed(now, gate.reason());
        events.add(GrantAudit.activationRefused(g, node, gate.reason()));
        completions.add(
            new GrantEngine.Completion(
                g.id(), g.provider(), GrantEngine.Kind.ACTIVATION_FAILED, null, null));
        LOG.warnf("Grant %s (%s) not activated: %s", g.id(), g.entitlement(), gate.reason());
      }
      return;
    }
    if (o.issued() != null) {
      g.activate(started, o.issued().handle(), o.issued().effectiveUntil(), w.notAfter(started));
      credentials.add(
          new GrantCredentials.ToStore(g.id(), sealer.seal(g.id(), o.issued().credential())));
      events.add(
          GrantAudit.activated(
              g, node, auditable(g.handle()), w.gate() == null ? null : w.gate().reason()));
      // the holder hears it in this transaction; the credential itself stays sealed in the UI
      outbox.enqueue(GrantNotices.active(g, !o.issued().credential().fields().isEmpty()), now);
      completions.add(
          new GrantEngine.Completion(
              g.id(),
              g.provider(),
              GrantEngine.Kind.ACTIVATED,
              Duration.between(g.readyAt() == null ? g.createdAt() : g.readyAt(), started),
              null));
      return;
    }
    ProviderException e = o.error();
    String error = Scrubber.scrub(e.getMessage());
    int attempt = g.attempts() + 1;
    boolean last = !e.retryable() || attempt >= config.activation().maxAttempts();
    if (last) {
      g.activationFailed(now, error);
      events.add(GrantAudit.activationFailed(g, node, error, e.kind().name(), o.cleanup()));
      completions.add(
          new GrantEngine.Completion(
              g.id(), g.provider(), GrantEngine.Kind.ACTIVATION_FAILED, null, null));
      LOG.warnf(
          "Grant %s (%s, %s) failed to activate after %d attempt(s): %s",
          g.id(), g.entitlement(), g.provider(), g.attempts(), error);
    } else {
      Instant retryAt =
          now.plus(
              activationBackoff.after(
                  attempt, ThreadLocalRandom.current().nextDouble(), e.retryAfter()));
      g.activationAttemptFailed(now, error, retryAt);
      events.add(GrantAudit.activationRetry(g, node, error, e.kind().name(), retryAt));
      completions.add(
          new GrantEngine.Completion(
              g.id(), g.provider(), GrantEngine.Kind.ACTIVATION_RETRY, null, null));
    }
  }

  /**
   * An extension in place: the provider confirmed the new end (the grant's end moves), or it is
   * retried with the activation schedule until the grant's end, or given up (the grant ends as
   * before). The credential is neither issued nor handed out again.
   */
  void applyRenewal(
      GrantWork w,
      CallOutcome o,
      Instant started,
      Instant now,
      List<AuditEvent> events,
      List<GrantEngine.Completion> completions) {
    AccessGrant g = w.grant();
    UUID extension = g.extensionRequestId();
    Instant before = g.notAfter();
    if (!w.startsNow()) {
      String reason =
          w.gate().verdict() == ActivationGate.Verdict.START
              ? w.gate().reason() + "; the grant already ends then, so it is not extended"
              : w.gate().reason();
      g.extensionFailed(now, reason);
      events.add(GrantAudit.extensionFailed(g, node, extension, reason, "POLICY"));
      completions.add(completion(g, GrantEngine.Kind.EXTENSION_FAILED));
      return;
    }
    if (o.renewed() != null) {
      g.extended(now, w.notAfter(started), o.renewed().effectiveUntil());
      events.add(GrantAudit.extended(g, node, extension, before, w.gate().reason()));
      completions.add(completion(g, GrantEngine.Kind.EXTENDED));
      return;
    }
    ProviderException e = o.error();
    String error = Scrubber.scrub(e.getMessage());
    int attempt = g.attempts() + 1;
    Instant retryAt =
        now.plus(
            activationBackoff.after(
                attempt, ThreadLocalRandom.current().nextDouble(), e.retryAfter()));
    if (e.retryable()
        && attempt < config.activation().maxAttempts()
        && retryAt.isBefore(g.notAfter())) {
      g.extensionAttemptFailed(now, error, retryAt);
      events.add(GrantAudit.extensionRetry(g, node, error, e.kind().name(), retryAt));
      completions.add(completion(g, GrantEngine.Kind.EXTENSION_RETRY));
    } else {
      g.extensionFailed(now, "extension by request " + extension + " failed: " + error);
      events.add(GrantAudit.extensionFailed(g, node, extension, error, e.kind().name()));
      completions.add(completion(g, GrantEngine.Kind.EXTENSION_FAILED));
      LOG.warnf(
          "Grant %s (%s, %s) not extended after %d attempt(s); it ends at %s as before: %s",
          g.id(), g.entitlement(), g.provider(), attempt, g.notAfter(), error);
    }
  }

  private static GrantEngine.Completion completion(AccessGrant g, GrantEngine.Kind kind) {
    return new GrantEngine.Completion(g.id(), g.provider(), kind, null, null);
  }

  void applyRevocation(
      GrantWork w,
      CallOutcome o,
      Instant now,
      List<AuditEvent> events,
      List<GrantEngine.Completion> completions,
      List<UUID> ended,
      List<AccessGrant> alerts) {
    AccessGrant g = w.grant();
    GrantState before = g.state();
    UUID extension = g.extensionRequestId();
    if (extension != null) {
      // the end came before the provider confirmed the extension: the end wins
      events.add(
          GrantAudit.extensionFailed(
              g,
              node,
              extension,
              "the grant reached its end at "
                  + g.notAfter()
                  + " before its provider confirmed the extension",
              "EXPIRED"));
    }
    if (o.revoked() != null) {
      Instant due =
          g.revokeRequestedAt() != null && g.revokeCause() != RevokeCause.EXPIRY
              ? g.revokeRequestedAt()
              : g.notAfter();
      g.revoked(now, o.revoked().effectiveUntil());
      ended.add(g.id());
      Duration lag = due == null ? Duration.ZERO : Duration.between(due, now);
      events.add(
          GrantAudit.revoked(
              g, node, o.notFound() ? "not found" : "revoked", before.name(), lag.toMillis()));
      completions.add(
          new GrantEngine.Completion(
              g.id(), g.provider(), GrantEngine.Kind.REVOKED, lag, g.revokeCause().code()));
      return;
    }
    ProviderException e = o.error();
    String error = Scrubber.scrub(e.getMessage());
    int attempt = g.attempts() + 1;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (before == GrantState.IRREVOCABLE) {
      Instant retryAt = now.plus(slowRetry(random.nextDouble()));
      g.revocationAttemptFailed(now, error, retryAt);
      events.add(GrantAudit.revocationRetry(g, node, error, e.kind().name(), retryAt, true));
      completions.add(
          new GrantEngine.Completion(
              g.id(), g.provider(), GrantEngine.Kind.REVOCATION_RETRY, null, null));
    } else if (attempt >= config.revocation().maxAttempts()) {
      Instant retryAt = now.plus(slowRetry(random.nextDouble()));
      g.irrevocable(now, error, retryAt);
      events.add(GrantAudit.irrevocable(g, node, error, e.kind().name(), retryAt));
      completions.add(
          new GrantEngine.Completion(
              g.id(), g.provider(), GrantEngine.Kind.IRREVOCABLE, null, null));
      alerts.add(g);
      LOG.errorf(
          "ALERT grant %s (%s, provider %s) is IRREVOCABLE after %d attempts; access may still be"
              + " live. Last error: %s. Retrying every %s; see GET"
              + " /api/v1/grants?view=all&state=IRREVOCABLE",
          g.id(),
          g.entitlement(),
          g.provider(),
          g.attempts(),
          error,
          config.revocation().irrevocableRetry());
    } else {
      Instant retryAt =
          now.plus(revocationBackoff.after(attempt, random.nextDouble(), e.retryAfter()));
      g.revocationAttemptFailed(now, error, retryAt);
      events.add(GrantAudit.revocationRetry(g, node, error, e.kind().name(), retryAt, false));
      completions.add(
          new GrantEngine.Completion(
              g.id(), g.provider(), GrantEngine.Kind.REVOCATION_RETRY, null, null));
    }
  }

  private Duration slowRetry(double draw) {
    Duration base = config.revocation().irrevocableRetry();
    return Duration.ofMillis(Math.round(base.toMillis() * (0.8 + 0.4 * draw)));
  }

  /**
   * A provider's JSON as the ledger can hash it: numbers that are not integers become text (the
   * ledger's canonical JSON refuses floating point).
   */
  static Object auditable(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), auditable(x)));
      return out;
    }
    if (v instanceof java.util.Collection<?> c) {
      return c.stream().map(GrantOutcomes::auditable).toList();
    }
    if (v instanceof Double || v instanceof Float) {
      return String.valueOf(v);
    }
    if (v instanceof java.math.BigDecimal d) {
      return d.stripTrailingZeros().scale() <= 0 ? d.toBigIntegerExact() : d.toPlainString();
    }
    return v;
  }

  /** An alert for admins and security contacts, delivered by the notification service. */
  void alert(AccessGrant g, Instant now) {
    List<String> recipients = new ArrayList<>();
    roles.adminGroups().stream().sorted().forEach(a -> recipients.add("group " + a));
    securityContacts.forEach(c -> recipients.add("security " + c));
    outbox.enqueue(
        new Notification.GrantIrrevocable(
            g.requestId(),
            recipients,
            g.id(),
            g.entitlement(),
            g.provider(),
            g.requesterKey(),
            g.attempts(),
            g.lastError()),
        now);
  }
}
