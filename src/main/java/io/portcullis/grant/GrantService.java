package io.portcullis.grant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.Stage;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.ScopeMatch;
import io.portcullis.catalog.suspension.Suspension;
import io.portcullis.catalog.suspension.SuspensionScope;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.grant.GrantHandOff.GrantsDue;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.identity.PersonKey;
import io.portcullis.identity.RoleConfig;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.platform.paging.Cursor;
import io.portcullis.provider.Credential;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * What people do with grants: look at them, take their credential once, revoke them early, and
 * (admins) the kill switch: revoke everything matching a filter at once, cancel the pending
 * requests in scope and suspend the people in scope. Every change locks the grant row and commits
 * with its audit event.
 */
@ApplicationScoped
public class GrantService {

  private static final Logger LOG = Logger.getLogger(GrantService.class);
  static final int KILL_SWITCH_CHUNK = 500;
  static final int MAX_LISTED = 1_000;

  private final EntityManager em;
  private final AuditLog audit;
  private final PolicyStore policies;
  private final Roles roles;
  private final CredentialSealer sealer;
  private final GrantConfig config;
  private final Event<GrantsDue> due;
  private final Clock clock;
  private final RoleConfig roleConfig;
  private final Suspensions suspensions;
  private final PendingRequestCancellation cancellation;

  GrantService(
      EntityManager em,
      AuditLog audit,
      PolicyStore policies,
      Roles roles,
      CredentialSealer sealer,
      GrantConfig config,
      Event<GrantsDue> due,
      Clock clock,
      RoleConfig roleConfig,
      Suspensions suspensions,
      PendingRequestCancellation cancellation) {
    this.roleConfig = roleConfig;
    this.suspensions = suspensions;
    this.cancellation = cancellation;
    this.em = em;
    this.audit = audit;
    this.policies = policies;
    this.roles = roles;
    this.sealer = sealer;
    this.config = config;
    this.due = due;
    this.clock = clock;
  }

  // ------------------------------------------------------------------ who may do what

  private static boolean isRequester(Caller caller, AccessGrant g) {
    return Identities.samePerson(caller, g.owner());
  }

  /** Whether the caller may review the grant's entitlement under the policy in force. */
  private boolean isApprover(Caller caller, AccessGrant g) {
    PolicyDecisions d = policies.decisions();
    Optional<Entitlement> e = d.policy().entitlement(g.entitlement());
    if (e.isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    for (Stage s : e.get().approval().stages()) {
      if (d.membership(s.reviewers(), caller, now).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The rules of requests: the requester, the entitlement's approvers, auditors and admins see a
   * grant; everyone else gets the same 404 as for a missing id.
   */
  public boolean maySee(Caller caller, AccessGrant g) {
    return isRequester(caller, g) || roles.mayReadAll(caller) || isApprover(caller, g);
  }

  /** The requester, the entitlement's approvers and admins may revoke early; auditors only look. */
  public boolean mayRevoke(Caller caller, AccessGrant g) {
    return isRequester(caller, g) || roles.isAdmin(caller) || isApprover(caller, g);
  }

  public boolean mayTakeCredential(Caller caller, AccessGrant g) {
    return isRequester(caller, g);
  }

  // ------------------------------------------------------------------ read

  /** The grant if the caller may see it; otherwise 404, the same as for a missing id. */
  @Transactional
  public AccessGrant get(Caller caller, UUID id) {
    AccessGrant g = em.find(AccessGrant.class, id);
    if (g == null || !maySee(caller, g)) {
      throw new Problems.NotFound("Grant", id.toString());
    }
    return g;
  }

  @Transactional
  public List<AccessGrant> ofRequest(UUID requestId) {
    return em.createQuery(
            "from AccessGrant g where g.requestId = :id order by g.entitlement", AccessGrant.class)
        .setParameter("id", requestId)
        .getResultList();
  }

  /** Which grants a listing shows. */
  public enum View {
    MINE,
    ALL
  }

  /** One page and the cursor of the next, or null at the end. */
  public record Page(List<AccessGrant> items, String next) {}

  /** Lists grants newest first, keyset-paged by (created_at, id). */
  @Transactional
  public Page list(Caller caller, View view, GrantState state, String cursor, int limit) {
    if (view == View.ALL && !roles.mayReadAll(caller)) {
      throw new Problems.Forbidden("Only auditors and admins may list every grant; use view=mine.");
    }
    Cursor after = Cursor.decode(cursor);
    StringBuilder q = new StringBuilder("from AccessGrant g where 1 = 1");
    PersonKey me = PersonKey.of(caller);
    if (view == View.MINE) {
      // PersonKey.samePerson in SQL
      q.append(
          me.verifiedEmail() == null
              ? " and (g.requesterKey = :me or g.requesterEmailKey = :me)"
              : " and (g.requesterKey in (:me, :email) or g.requesterEmailKey in (:me, :email))");
    }
    if (state != null) {
      q.append(" and g.state = :state");
    }
    if (after != null) {
      q.append(" and (g.createdAt < :t or (g.createdAt = :t and g.id < :id))");
    }
    q.append(" order by g.createdAt desc, g.id desc");
    var query = em.createQuery(q.toString(), AccessGrant.class);
    if (view == View.MINE) {
      query.setParameter("me", me.subject());
      if (me.verifiedEmail() != null) {
        query.setParameter("email", me.verifiedEmail());
      }
    }
    if (state != null) {
      query.setParameter("state", state);
    }
    if (after != null) {
      query.setParameter("t", after.createdAt()).setParameter("id", after.id());
    }
    List<AccessGrant> rows = query.setMaxResults(limit + 1).getResultList();
    if (rows.size() > limit) {
      AccessGrant last = rows.get(limit - 1);
      return new Page(
          List.copyOf(rows.subList(0, limit)), new Cursor(last.createdAt(), last.id()).encode());
    }
    return new Page(List.copyOf(rows), null);
  }

  /** Where a grant's credential is in its one-time hand-out. */
  public enum CredentialStatus {
    /** Not issued yet. */
    PENDING,
    /** Issued and waiting for the requester until {@code availableUntil}. */
    AVAILABLE,
    /** Handed to the requester. */
    RETRIEVED,
    /** Not collected in time, or the grant ended first. */
    DISCARDED
  }

  /** The hand-out status of a grant's credential. */
  public record CredentialInfo(CredentialStatus status, Instant availableUntil) {}

  @Transactional
  public CredentialInfo credentialInfo(AccessGrant g) {
    if (g.credentialRetrievedAt() != null) {
      return new CredentialInfo(CredentialStatus.RETRIEVED, null);
    }
    if (g.activatedAt() == null) {
      return new CredentialInfo(
          g.state().isFinal() ? CredentialStatus.DISCARDED : CredentialStatus.PENDING, null);
    }
    if (g.state() != GrantState.ACTIVE) {
      return new CredentialInfo(CredentialStatus.DISCARDED, null); // it goes with the grant
    }
    @SuppressWarnings("unchecked")
    List<Object> rows =
        em.createNativeQuery(
                "select expires_at from grant_credential where grant_id = :id and expires_at >"
                    + " now()")
            .setParameter("id", g.id())
            .getResultList();
    return rows.isEmpty()
        ? new CredentialInfo(CredentialStatus.DISCARDED, null)
        : new CredentialInfo(CredentialStatus.AVAILABLE, DbTime.instant(rows.get(0)));
  }

  // ------------------------------------------------------------------ the credential, once

  /**
   * What the requester may know about the credential without taking it: where its hand-out stands,
   * until when it can be taken and the names of its fields (while it waits), never a value. Reading
   * this changes nothing.
   *
   * @param fields the field names while the credential is available, else empty
   */
  public record CredentialMetadata(
      AccessGrant grant, CredentialStatus status, Instant availableUntil, List<String> fields) {}

  @Transactional
  public CredentialMetadata credentialMetadata(Caller caller, UUID id) {
    AccessGrant g = em.find(AccessGrant.class, id);
    if (g == null || !maySee(caller, g)) {
      throw new Problems.NotFound("Grant", id.toString());
    }
    if (!mayTakeCredential(caller, g)) {
      throw new Problems.Forbidden(
          "Only the requester of grant " + id + " receives its credential.");
    }
    CredentialInfo info = credentialInfo(g);
    List<String> fields = List.of();
    if (info.status() == CredentialStatus.AVAILABLE) {
      @SuppressWarnings("unchecked")
      List<Object[]> rows =
          em.createNativeQuery(
                  "select key_id, sealed from grant_credential where grant_id = :id and"
                      + " expires_at > now()")
              .setParameter("id", g.id())
              .getResultList();
      if (!rows.isEmpty()) {
        try {
          // opened in memory for the names only; the values are dropped at once
          fields =
              List.copyOf(
                  sealer
                      .open(
                          g.id(), new CredentialSealer.Sealed((String) rows.get(0)[0], bytes(rows)))
                      .fields()
                      .keySet());
        } catch (IllegalStateException e) {
          LOG.warnf("Credential of grant %s cannot be opened: %s", g.id(), e.getMessage());
        }
      }
    }
    return new CredentialMetadata(g, info.status(), info.availableUntil(), fields);
  }

  /** A credential handed out, with the grant it belongs to. */
  public record Handout(AccessGrant grant, Credential credential) {}

  /**
   * Hands the credential to the requester, once: it is deleted in the same transaction that records
   * the hand-out, so a second call (or a concurrent one) finds nothing.
   */
  @Transactional
  public Handout takeCredential(Caller caller, UUID id) {
    AccessGrant g = em.find(AccessGrant.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (g == null || !maySee(caller, g)) {
      throw new Problems.NotFound("Grant", id.toString());
    }
    if (!mayTakeCredential(caller, g)) {
      throw new Problems.Forbidden(
          "Only the requester of grant " + id + " receives its credential.");
    }
    switch (g.state()) {
      case SCHEDULED, ACTIVATING ->
          throw new Problems.Conflict(
              "Grant "
                  + id
                  + " is "
                  + g.state()
                  + ": its credential is not issued yet."
                  + (g.nextAttemptAt() == null ? "" : " Try again after " + g.nextAttemptAt())
                  + ".");
      case ACTIVATION_FAILED ->
          throw new Problems.Conflict(
              "Grant " + id + " could not be activated: " + g.lastError() + ".");
      case REVOKING, REVOKED, IRREVOCABLE ->
          throw new Problems.Gone(
              "Grant " + id + " is " + g.state() + ": its credential was discarded.");
      case ACTIVE -> {
        // below
      }
    }
    if (g.credentialRetrievedAt() != null) {
      throw new Problems.Gone(
          "The credential of grant "
              + id
              + " was handed out at "
              + g.credentialRetrievedAt()
              + "; it is shown once. If it is lost, revoke the grant and ask again.");
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "delete from grant_credential where grant_id = :id returning key_id, sealed,"
                    + " expires_at > now()")
            .setParameter("id", g.id())
            .getResultList();
    if (rows.isEmpty() || !Boolean.TRUE.equals(rows.get(0)[2])) {
      throw new Problems.Gone(
          "The credential of grant "
              + id
              + " was not collected within "
              + config.credential().window().toMinutes()
              + " minutes of activation and has been discarded. Revoke the grant and ask again.");
    }
    Credential c;
    try {
      c = sealer.open(g.id(), new CredentialSealer.Sealed((String) rows.get(0)[0], bytes(rows)));
    } catch (IllegalStateException e) {
      LOG.errorf("Credential of grant %s cannot be opened: %s", g.id(), e.getMessage());
      throw new Problems.Gone(
          "The credential of grant "
              + id
              + " cannot be opened (the sealing key changed). Revoke the grant and ask again.");
    }
    Instant now = dbNow();
    g.credentialRetrieved(now);
    audit.append(
        GrantAudit.credentialRetrieved(g, caller.subject(), List.copyOf(c.fields().keySet())));
    return new Handout(g, c);
  }

  private static byte[] bytes(List<Object[]> rows) {
    return (byte[]) rows.get(0)[1];
  }

  // ------------------------------------------------------------------ early revocation

  /**
   * Revokes a grant before it ends: at once if it never reached its provider, otherwise through the
   * engine, which is woken as soon as this commits.
   */
  @Transactional
  public AccessGrant revoke(Caller caller, UUID id, String reason) {
    String why = checkReason(reason, false);
    AccessGrant g = em.find(AccessGrant.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (g == null || !maySee(caller, g)) {
      throw new Problems.NotFound("Grant", id.toString());
    }
    if (!mayRevoke(caller, g)) {
      throw new Problems.Forbidden(
          "Only the requester, an approver of "
              + g.entitlement()
              + " or an admin may revoke grant "
              + id
              + ".");
    }
    Instant now = dbNow();
    GrantState before = g.state();
    boolean changed = g.requestRevocation(now, RevokeCause.EARLY, caller.subject(), why);
    if (changed) {
      discardCredentials(List.of(g.id()));
      audit.append(
          GrantAudit.revocationRequested(
              g, caller.subject(), RevokeCause.EARLY, why, null, before.name()));
      due.fire(new GrantsDue(1));
    }
    return g;
  }

  // ------------------------------------------------------------------ kill switch

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
  public KillSwitchResult killSwitch(
      Caller caller, KillFilter filter, String reason, Boolean suspend) {
    if (!roles.isAdmin(caller)) {
      throw new Problems.Forbidden("Only admins may use the kill switch.");
    }
    return kill(caller, filter, reason, suspend);
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
    SuspensionScope scope =
        filter == null ? new SuspensionScope(null, null, null, null, null) : filter.scope();
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
    try {
      checkReason(reason, true);
    } catch (Problems.Invalid e) {
      errors.addAll(e.errors());
    }
    // An emergency tool works without a policy in force too (e.g. a restart with a broken policy
    // directory); only a principal set needs one.
    PolicySet inForce = policies.currentOrNull();
    PolicySet policy =
        inForce != null ? inForce : new PolicySet("none", Instant.EPOCH, 0, Map.of(), Map.of());
    if (scope.principalSet() != null && !policy.principalSets().containsKey(scope.principalSet())) {
      List<String> known = new TreeSet<>(policy.principalSets().keySet()).stream().toList();
      errors.add(
          new FieldError(
              "principalSet",
              "'"
                  + abbreviate(scope.principalSet())
                  + "' is not a principal set of the policy in force",
              known.isEmpty()
                  ? inForce == null
                      ? "no valid policy is loaded, so there are no principal sets; use user or group"
                      : "the policy in force defines no principal sets; use user or group"
                  : "known sets: " + String.join(", ", known)));
    }
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()),
          errors);
    }
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
      List<AccessGrant> grants =
          em.createQuery("from AccessGrant g where g.id in :ids order by g.id", AccessGrant.class)
              .setParameter("ids", chunk)
              .getResultList();
      List<AuditEvent> events = new ArrayList<>(grants.size());
      List<UUID> discard = new ArrayList<>();
      for (AccessGrant g : grants) {
        GrantState before = g.state();
        if (g.requestRevocation(now, RevokeCause.KILL_SWITCH, caller.subject(), why)) {
          if (g.state() == GrantState.REVOKED) {
            endedAtOnce++;
          } else {
            revoking++;
          }
          discard.add(g.id());
          events.add(
              GrantAudit.revocationRequested(
                  g, caller.subject(), RevokeCause.KILL_SWITCH, why, operation, before.name()));
        } else {
          already++;
          g.expediteRevocation(now);
        }
      }
      discardCredentials(discard);
      audit.appendAll(events);
      em.flush();
      em.clear();
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
    due.fire(new GrantsDue(ids.size()));
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

  private static final List<String> LIVE =
      List.of("SCHEDULED", "ACTIVATING", "ACTIVE", "REVOKING", "IRREVOCABLE");

  /**
   * The live grants in scope, row-locked, in id order. SQL narrows by what compares exactly there
   * (state, entitlement, provider, group) and by a superset of the people in scope (subject keys,
   * the set's groups, anyone with a verified email when a user entry is in play); the one identity
   * rule ({@link ScopeMatch#coversSnapshot}) decides on the requester as stored with the request.
   */
  private List<UUID> lockLiveGrantsInScope(ScopeMatch m) {
    SuspensionScope s = m.scope();
    boolean people = s.user() != null || s.principalSet() != null;
    var query =
        em.createNativeQuery(
                "select g.id, cast(r.requester as text) from access_grant g"
                    + " join access_request r on r.id = g.request_id"
                    + " where g.state in (:live)"
                    + " and (:ent = '' or g.entitlement = :ent)"
                    + " and (:prov = '' or g.provider = :prov)"
                    + " and (:grp = '' or (r.requester -> 'groups') @> jsonb_build_array(:grp))"
                    + (people
                        ? " and (g.requester_key in (select jsonb_array_elements_text(cast(:keys"
                            + " as jsonb))) or jsonb_exists_any(r.requester -> 'groups',"
                            + " array(select jsonb_array_elements_text(cast(:groups as jsonb))))"
                            + (m.mayMatchByEmail()
                                ? " or r.requester ->> 'emailVerified' = 'true'"
                                : "")
                            + ")"
                        : "")
                    + " order by g.id")
            .setParameter("live", LIVE)
            .setParameter("ent", s.entitlement() == null ? "" : s.entitlement())
            .setParameter("prov", s.provider() == null ? "" : s.provider())
            .setParameter("grp", s.group() == null ? "" : s.group());
    if (people) {
      query
          .setParameter("keys", CanonicalJson.write(m.subjectKeys()))
          .setParameter("groups", CanonicalJson.write(m.setGroups()));
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows = query.getResultList();
    List<UUID> inScope = new ArrayList<>();
    for (Object[] row : rows) {
      if (m.coversSnapshot(snapshot((String) row[1]))) {
        inScope.add((UUID) row[0]);
      }
    }
    List<UUID> locked = new ArrayList<>(inScope.size());
    for (int from = 0; from < inScope.size(); from += KILL_SWITCH_CHUNK) {
      @SuppressWarnings("unchecked")
      List<UUID> chunk =
          em.createNativeQuery(
                  "select id from access_grant where id in (:ids) and state in (:live)"
                      + " order by id for update")
              .setParameter(
                  "ids", inScope.subList(from, Math.min(inScope.size(), from + KILL_SWITCH_CHUNK)))
              .setParameter("live", LIVE)
              .getResultList();
      locked.addAll(chunk); // a grant that ended between the look and the lock is left out
    }
    return locked;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Map<String, Object> snapshot(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable requester snapshot", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  private static String checkReason(String reason, boolean required) {
    if (reason == null || reason.isBlank()) {
      if (required) {
        throw new Problems.Invalid(
            new FieldError(
                "reason", "is required", "say why, e.g. \"contract with vendor ended\""));
      }
      return null;
    }
    String r = reason.strip();
    if (r.length() > 1_000 || r.indexOf('\u0000') >= 0) {
      throw new Problems.Invalid(
          new FieldError("reason", "must be at most 1000 characters without NUL", null));
    }
    return r;
  }

  // ------------------------------------------------------------------ heartbeat

  /** What one heartbeat found. */
  public record Heartbeat(int credentialsDiscarded, long lagging, Duration worstLag) {}

  /**
   * The recurring cluster-wide check (one replica at a time): discards credentials nobody collected
   * in time, and raises an alert when revocations lag beyond the budget.
   */
  @Transactional
  public Heartbeat heartbeat() {
    @SuppressWarnings("unchecked")
    List<UUID> discarded =
        em.createNativeQuery(
                "delete from grant_credential where grant_id in (select grant_id from"
                    + " grant_credential where expires_at <= now() order by expires_at limit 1000"
                    + " for update skip locked) returning grant_id")
            .getResultList();
    if (!discarded.isEmpty()) {
      List<AuditEvent> events = new ArrayList<>(discarded.size());
      for (UUID g : discarded) {
        events.add(
            GrantAudit.credentialDiscarded(
                g, "not collected within " + config.credential().window()));
      }
      audit.appendAll(events);
    }
    Object[] lag =
        (Object[])
            em.createNativeQuery(
                    "select count(*), coalesce(cast(extract(epoch from (clock_timestamp() -"
                        + " min(next_attempt_at))) * 1000 as bigint), 0) from access_grant where"
                        + " state in ('ACTIVE', 'REVOKING') and next_attempt_at <= now() -"
                        + " cast(:budget as interval)")
                .setParameter("budget", config.lagBudget().toSeconds() + " seconds")
                .getSingleResult();
    long lagging = ((Number) lag[0]).longValue();
    Duration worst = Duration.ofMillis(((Number) lag[1]).longValue());
    if (lagging > 0) {
      LOG.errorf(
          "ALERT %d revocation(s) are more than %s late (the oldest by %s): are the grant workers"
              + " running and the providers reachable?",
          lagging, config.lagBudget(), worst);
      long recent =
          ((Number)
                  em.createNativeQuery(
                          "select count(*) from notification_event where kind ="
                              + " 'grant.revocation_lagging' and created_at > now() - interval"
                              + " '15 minutes'")
                      .getSingleResult())
              .longValue();
      if (recent == 0) {
        List<String> recipients = new ArrayList<>();
        roleConfig.adminGroups().stream().sorted().forEach(a -> recipients.add("group " + a));
        em.createNativeQuery(
                "insert into notification_event (id, kind, recipients, payload, created_at)"
                    + " values (:id, 'grant.revocation_lagging', cast(:rec as jsonb), cast(:p as"
                    + " jsonb), now())")
            .setParameter("id", UUID.randomUUID())
            .setParameter("rec", CanonicalJson.write(recipients))
            .setParameter(
                "p",
                CanonicalJson.write(
                    Map.of(
                        "lagging", lagging,
                        "worstLagSeconds", worst.toSeconds(),
                        "budgetSeconds", config.lagBudget().toSeconds())))
            .executeUpdate();
      }
    }
    return new Heartbeat(discarded.size(), lagging, worst);
  }

  // ------------------------------------------------------------------ helpers

  private void discardCredentials(List<UUID> grants) {
    if (!grants.isEmpty()) {
      em.createNativeQuery("delete from grant_credential where grant_id in (:ids)")
          .setParameter("ids", grants)
          .executeUpdate();
    }
  }

  private Instant dbNow() {
    return DbTime.now(em);
  }
}
