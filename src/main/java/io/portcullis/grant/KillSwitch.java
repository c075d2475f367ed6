package io.portcullis.grant;

import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.ScopeMatch;
import io.portcullis.catalog.suspension.Suspension;
import io.portcullis.catalog.suspension.SuspensionScope;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.grant.GrantHandOff.GrantsDue;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Roles;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.notify.delivery.Recipients;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The kill switch (admins), e.g. a vendor exit: in one transaction, all of it or nothing, revoke
 * every live grant matching a filter, cancel the pending requests in scope and suspend the people
 * in scope until an admin lifts it. Also the narrow "remove now" of an access review.
 */
@ApplicationScoped
public class KillSwitch {

  private static final Logger LOG = Logger.getLogger(KillSwitch.class);
  static final int KILL_SWITCH_CHUNK = 500;
  static final int MAX_LISTED = 1_000;

  private final GrantStore store;
  private final AuditLog audit;
  private final PolicyStore policies;
  private final Roles roles;
  private final GrantCredentials stored;
  private final Event<GrantsDue> due;
  private final Suspensions suspensions;
  private final PendingRequestCancellation cancellation;
  private final NotificationOutbox outbox;
  private final List<String> securityContacts;

  KillSwitch(
      GrantStore store,
      AuditLog audit,
      PolicyStore policies,
      Roles roles,
      GrantCredentials stored,
      Event<GrantsDue> due,
      Suspensions suspensions,
      PendingRequestCancellation cancellation,
      NotificationOutbox outbox,
      @ConfigProperty(name = "portcullis.requests.security-contacts")
          List<String> securityContacts) {
    this.outbox = outbox;
    this.securityContacts = List.copyOf(securityContacts);
    this.store = store;
    this.audit = audit;
    this.policies = policies;
    this.roles = roles;
    this.stored = stored;
    this.due = due;
    this.suspensions = suspensions;
    this.cancellation = cancellation;
  }

  /**
   * Whose grants and pending requests the kill switch ends, and whom its suspension locks out; set
   * fields are combined with AND.
   *
   * @param user an IdP subject, or an email the identity provider verified
   * @param group a group the requester was in when they asked
   * @param principalSet a principal set of the policy in force (nested sets followed, its {@code
   *     until:} date ignored)
   */
  public record KillFilter(
      String user, String group, String principalSet, String entitlement, String provider) {

    /** The filter as a suspension scope. */
    public SuspensionScope scope() {
      return new SuspensionScope(user, group, principalSet, entitlement, provider);
    }
  }

  /**
   * What the kill switch did.
   *
   * @param matched live grants in scope
   * @param endedAtOnce grants that had not reached their provider yet (now REVOKED)
   * @param revoking grants handed to the engine for revocation (now REVOKING)
   * @param alreadyRevoking grants that were REVOKING or IRREVOCABLE already (retried now)
   * @param grants the ids, at most {@value #MAX_LISTED}
   * @param requestsCancelled pending requests in scope, now CANCELLED
   * @param requests their ids, at most {@value #MAX_LISTED}
   * @param suspended whether a suspension was placed ({@code false} only when asked with {@code
   *     suspend: false})
   * @param suspension the suspension's id, or null when none was placed
   */
  public record KillSwitchResult(
      UUID operation,
      int matched,
      int endedAtOnce,
      int revoking,
      int alreadyRevoking,
      List<UUID> grants,
      int requestsCancelled,
      List<UUID> requests,
      boolean suspended,
      UUID suspension) {}

  static final int MAX_FILTER_CHARS = 512;

  /**
   * The vendor exit, in one transaction, all of it or, if anything fails, nothing: revokes every
   * live grant in scope, cancels every pending request in scope, and (unless {@code suspend} is
   * {@code false}) places a suspension that refuses new requests and reviews in scope until an
   * admin lifts it. Admins only.
   *
   * @param suspend null or true to place a suspension; false to skip it explicitly
   */
  @Transactional
  public KillSwitchResult run(Caller caller, KillFilter filter, String reason, Boolean suspend) {
    if (!roles.isAdmin(caller)) {
      throw new Problems.Forbidden("Only admins may use the kill switch.");
    }
    KillSwitchResult result = kill(caller, filter, reason, suspend);
    // loud, in the same transaction: security contacts and operators hear who pulled it
    List<String> recipients = new ArrayList<>();
    securityContacts.forEach(c -> recipients.add("security " + c));
    recipients.add(Recipients.OPERATORS);
    outbox.enqueue(
        new Notification.KillSwitchUsed(
            recipients,
            result.operation(),
            caller.subject(),
            scopeText(suspensions.auditScope(scopeOf(filter))),
            result.matched(),
            result.requestsCancelled()),
        dbNow());
    return result;
  }

  /**
   * "Remove now" of an access review: the kill switch for one person or group and one entitlement,
   * without a suspension of its own (the review placed one with the decision). The review feature
   * has authorised the reviewer for exactly this scope; anything wider is refused.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public KillSwitchResult removeNowForReview(
      Caller reviewer, String user, String group, String entitlement, String reason) {
    if (entitlement == null || (user == null) == (group == null)) {
      throw new IllegalArgumentException("one person or group, and one entitlement");
    }
    return kill(reviewer, new KillFilter(user, group, null, entitlement, null), reason, false);
  }

  private KillSwitchResult kill(Caller caller, KillFilter filter, String reason, Boolean suspend) {
    SuspensionScope scope = scopeOf(filter);
    List<FieldError> errors = scopeErrors(scope);
    try {
      GrantService.checkReason(reason, true);
    } catch (Problems.Invalid e) {
      errors.addAll(e.errors());
    }
    // An emergency tool works without a policy in force too (e.g. a restart with a broken policy
    // directory); only a principal set needs one.
    PolicySet inForce = policies.currentOrNull();
    PolicySet policy = inForce != null ? inForce : NO_POLICY;
    FieldError unknownSet = unknownPrincipalSet(scope, policy, inForce);
    if (unknownSet != null) {
      errors.add(unknownSet);
    }
    refuse(errors);
    String why = reason.strip();
    boolean suspending = suspend == null || suspend;
    // No request or review in scope may slip between the look below and the commit.
    suspensions.lockOut();
    ScopeMatch match = ScopeMatch.of(scope, policy, null);
    UUID operation = UUID.randomUUID();
    // Row locks before the ledger's head: grants, then (inside) requests, then events.
    List<UUID> ids = lockLiveGrantsInScope(match);
    List<UUID> cancelled = cancellation.cancelPending(match, caller, operation, why);
    Instant now = dbNow();
    int endedAtOnce = 0;
    int revoking = 0;
    int already = 0;
    for (int from = 0; from < ids.size(); from += KILL_SWITCH_CHUNK) {
      List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + KILL_SWITCH_CHUNK));
      List<AccessGrant> grants = store.byIds(chunk);
      List<AuditEvent> events = new ArrayList<>(grants.size());
      List<UUID> discard = new ArrayList<>();
      for (AccessGrant g : grants) {
        GrantState before = g.state();
        UUID dropped = g.extensionRequestId();
        if (g.requestRevocation(now, RevokeCause.KILL_SWITCH, caller.subject(), why)) {
          if (g.state() == GrantState.REVOKED) {
            endedAtOnce++;
          } else {
            revoking++;
          }
          discard.add(g.id());
          outbox.enqueue(GrantNotices.revoked(g, caller.subject(), RevokeCause.KILL_SWITCH), now);
          events.add(
              GrantAudit.revocationRequested(
                  g,
                  caller.subject(),
                  RevokeCause.KILL_SWITCH,
                  why,
                  operation,
                  before.name(),
                  dropped));
        } else {
          already++;
          g.expediteRevocation(now);
        }
      }
      stored.discard(discard);
      audit.appendAll(events);
      store.flushAndForget();
    }
    Suspension suspension = suspending ? suspensions.place(caller, match, why, operation) : null;
    audit.append(
        GrantAudit.killSwitch(
            operation,
            caller.subject(),
            suspensions.auditScope(scope),
            why,
            ids.size(),
            endedAtOnce,
            revoking,
            already,
            cancelled.size(),
            suspending,
            suspension == null ? null : suspension.id()));
    LOG.warnf(
        "Kill switch %s by %s: %d grant(s) matched (%d ended at once, %d to revoke, %d already"
            + " revoking), %d pending request(s) cancelled, %s",
        operation,
        caller.subject(),
        ids.size(),
        endedAtOnce,
        revoking,
        already,
        cancelled.size(),
        suspension == null ? "no suspension (suspend: false)" : "suspension " + suspension.id());
    due.fire(GrantsDue.ANY);
    return new KillSwitchResult(
        operation,
        ids.size(),
        endedAtOnce,
        revoking,
        already,
        List.copyOf(ids.subList(0, Math.min(ids.size(), MAX_LISTED))),
        cancelled.size(),
        List.copyOf(cancelled.subList(0, Math.min(cancelled.size(), MAX_LISTED))),
        suspension != null,
        suspension == null ? null : suspension.id());
  }

  private static final PolicySet NO_POLICY =
      new PolicySet("none", Instant.EPOCH, 0, Map.of(), Map.of());

  /** The scope as the audit event has it (an email user as its HMAC), e.g. {@code provider=aws}. */
  private static String scopeText(Map<String, Object> scope) {
    return String.join(
        ", ",
        scope.entrySet().stream()
            .filter(e -> e.getValue() != null)
            .map(e -> e.getKey() + "=" + e.getValue())
            .toList());
  }

  private static SuspensionScope scopeOf(KillFilter filter) {
    return filter == null ? new SuspensionScope(null, null, null, null, null) : filter.scope();
  }

  /** What is wrong with the scope itself: empty, or a field too long. */
  private static List<FieldError> scopeErrors(SuspensionScope scope) {
    List<FieldError> errors = new ArrayList<>();
    if (scope.isEmpty()) {
      errors.add(
          new FieldError(
              "user",
              "at least one of user, group, principalSet, entitlement or provider is required",
              "e.g. {\"principalSet\": \"vendor-acme\", \"reason\": \"contract ended\"}"));
    }
    scope
        .toMap()
        .forEach(
            (field, value) -> {
              String v = (String) value;
              if (v != null && (v.length() > MAX_FILTER_CHARS || v.indexOf('\u0000') >= 0)) {
                errors.add(
                    new FieldError(
                        field, "must be at most " + MAX_FILTER_CHARS + " characters without NUL"));
              }
            });
    return errors;
  }

  /** The error when the scope names a principal set the policy in force lacks, else null. */
  private static FieldError unknownPrincipalSet(
      SuspensionScope scope, PolicySet policy, PolicySet inForce) {
    if (scope.principalSet() == null || policy.principalSets().containsKey(scope.principalSet())) {
      return null;
    }
    List<String> known = new TreeSet<>(policy.principalSets().keySet()).stream().toList();
    return new FieldError(
        "principalSet",
        "'" + abbreviate(scope.principalSet()) + "' is not a principal set of the policy in force",
        known.isEmpty()
            ? inForce == null
                ? "no valid policy is loaded, so there are no principal sets; use user or group"
                : "the policy in force defines no principal sets; use user or group"
            : "known sets: " + String.join(", ", known));
  }

  private static void refuse(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()),
          errors);
    }
  }

  /**
   * What the kill switch would touch now, without touching it: the live grants and pending requests
   * in scope, counted, and the first {@code first} of each (by id). Nothing is locked, so a run a
   * moment later may find more or fewer. Admins only; the scope is checked as {@link #run} checks
   * it (no reason needed).
   *
   * @param grants live grants in scope (SCHEDULED to IRREVOCABLE)
   * @param firstGrants the first of them, by id
   * @param requests pending requests in scope
   * @param firstRequests the first of them, by id
   */
  public record KillPreview(
      SuspensionScope scope,
      int grants,
      List<AccessGrant> firstGrants,
      int requests,
      List<PendingRequestCancellation.InScope> firstRequests) {}

  @Transactional
  public KillPreview preview(Caller caller, KillFilter filter, int first) {
    if (!roles.isAdmin(caller)) {
      throw new Problems.Forbidden("Only admins may use the kill switch.");
    }
    SuspensionScope scope = scopeOf(filter);
    List<FieldError> errors = scopeErrors(scope);
    PolicySet inForce = policies.currentOrNull();
    PolicySet policy = inForce != null ? inForce : NO_POLICY;
    FieldError unknownSet = unknownPrincipalSet(scope, policy, inForce);
    if (unknownSet != null) {
      errors.add(unknownSet);
    }
    refuse(errors);
    ScopeMatch match = ScopeMatch.of(scope, policy, null);
    List<UUID> ids = liveGrantsInScope(match);
    List<PendingRequestCancellation.InScope> requests = cancellation.pendingInScope(match);
    int n = Math.max(0, first);
    return new KillPreview(
        scope,
        ids.size(),
        store.byIds(ids.subList(0, Math.min(ids.size(), n))),
        requests.size(),
        List.copyOf(requests.subList(0, Math.min(requests.size(), n))));
  }

  /**
   * The live grants in scope, row-locked, in id order. SQL narrows by what compares exactly there
   * (state, entitlement, provider, group) and by a superset of the people in scope (subject keys,
   * the set's groups, anyone with a verified email when a user entry is in play); the one identity
   * rule ({@link ScopeMatch#coversSnapshot}) decides on the requester as copied onto the grant at
   * hand-off.
   */
  private List<UUID> lockLiveGrantsInScope(ScopeMatch m) {
    return store.lockLive(liveGrantsInScope(m));
  }

  /** The live grants in scope, read without locks, in id order. */
  private List<UUID> liveGrantsInScope(ScopeMatch m) {
    SuspensionScope s = m.scope();
    List<UUID> inScope = new ArrayList<>();
    for (GrantStore.LiveCandidate c :
        store.liveCandidates(
            new GrantStore.LiveScope(
                s.entitlement(),
                s.provider(),
                s.group(),
                s.user() != null || s.principalSet() != null,
                m.subjectKeys(),
                m.setGroups(),
                m.mayMatchByEmail()))) {
      if (m.coversSnapshot(c.requester())) {
        inScope.add(c.id());
      }
    }
    return inScope;
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  private Instant dbNow() {
    return store.dbNow();
  }
}
