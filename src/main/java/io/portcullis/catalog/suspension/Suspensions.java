package io.portcullis.catalog.suspension;

import io.portcullis.audit.AuditHmac;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.Reason;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.paging.Cursor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiPredicate;

/**
 * Suspensions as a decision input: the kill switch places them, every request and review asks which
 * of them refuse it, and admins lift them. Policy decisions stay pure: this service reads the
 * active suspensions and hands their reasons to {@code PolicyDecisions}.
 *
 * <p>Placing a suspension and checking one are serialised by a PostgreSQL advisory lock: a request
 * or review takes it shared ({@link #holdOff()}) before it reads the active suspensions and keeps
 * it to its commit, the kill switch takes it exclusively ({@link #lockOut()}) before it looks for
 * pending requests. So a request submitted or approved while a kill switch runs is either committed
 * before it (and then cancelled or revoked by it) or sees its suspension.
 */
@ApplicationScoped
public class Suspensions {

  static final String LOCK = "portcullis:suspensions";
  static final int MAX_REASON = 1_000;

  private final EntityManager em;
  private final AuditLog audit;
  private final AuditHmac hmac;
  private final Roles roles;
  private final Clock clock;

  Suspensions(EntityManager em, AuditLog audit, AuditHmac hmac, Roles roles, Clock clock) {
    this.em = em;
    this.audit = audit;
    this.hmac = hmac;
    this.roles = roles;
    this.clock = clock;
  }

  /**
   * A scope as the ledger records it: a {@code user} that is an email is kept only as its HMAC (the
   * ledger holds no emails; an auditor finds it by computing the same HMAC), a subject in clear.
   */
  public Map<String, Object> auditScope(SuspensionScope scope) {
    Map<String, Object> m = scope.toMap();
    if (scope.user() != null && scope.user().indexOf('@') >= 0) {
      m.put("user", hmac.of(Identities.normalize(scope.user())));
    }
    return m;
  }

  // ------------------------------------------------------------------ serialising with kill
  // switches

  /** Waits for a kill switch under way, and holds the next one off until this transaction ends. */
  @Transactional(TxType.MANDATORY)
  public void holdOff() {
    em.createNativeQuery("select pg_advisory_xact_lock_shared(hashtextextended(:k, 0))")
        .setParameter("k", LOCK)
        .getSingleResult();
  }

  /**
   * Waits for requests and reviews under way, and holds new ones off until this transaction ends.
   */
  @Transactional(TxType.MANDATORY)
  public void lockOut() {
    em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended(:k, 0))")
        .setParameter("k", LOCK)
        .getSingleResult();
  }

  // ------------------------------------------------------------------ placing

  /**
   * Places a suspension with the kill switch's scope, in the caller's transaction, audited there.
   *
   * @param match the scope as the kill switch resolved it (its set's members are kept)
   */
  @Transactional(TxType.MANDATORY)
  public Suspension place(Caller by, ScopeMatch match, String reason, UUID operation) {
    SuspensionScope scope = match.scope();
    if (scope.isEmpty()) {
      throw new IllegalArgumentException("a suspension needs a scope");
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    SetMembers members = scope.principalSet() == null ? null : match.members();
    Suspension s =
        Suspension.placed(
            UUID.randomUUID(), scope, members, reason, operation, by.subject(), by.name(), now);
    em.persist(s);
    audit.append(
        SuspensionAudit.placed(
            s.id(), by.subject(), auditScope(scope), members, reason, operation));
    return s;
  }

  // ------------------------------------------------------------------ as a decision input

  /** The active suspensions, newest first. */
  @Transactional
  public List<Suspension> active() {
    return em.createQuery(
            "from Suspension s where s.liftedAt is null order by s.placedAt desc, s.id desc",
            Suspension.class)
        .getResultList();
  }

  /**
   * Why active suspensions refuse {@code requester} each of {@code entitlements}: by entitlement,
   * only those refused. Each reason (code {@code suspended}, field {@code entitlement}) names the
   * suspension, who placed it and why.
   */
  @Transactional
  public Map<String, List<Reason>> refusalsToRequest(
      PolicySet policy, Caller requester, List<String> entitlements) {
    return SuspensionRefusals.toRequest(active(), policy, requester, entitlements);
  }

  /**
   * Why active suspensions refuse a review by {@code reviewer} of a request by {@code requester}
   * (as stored with the request) for {@code entitlements}: the requester is in scope, or the
   * reviewer is. Empty when none does.
   */
  @Transactional
  public List<String> refusalsToReview(
      PolicySet policy, Caller reviewer, Map<String, Object> requester, List<String> entitlements) {
    return Reason.messages(refusalDetailsToReview(policy, reviewer, requester, entitlements));
  }

  /**
   * {@link #refusalsToReview} with codes: {@code suspended-requester}, {@code suspended-reviewer}.
   */
  @Transactional
  public List<Reason> refusalDetailsToReview(
      PolicySet policy, Caller reviewer, Map<String, Object> requester, List<String> entitlements) {
    return SuspensionRefusals.toReview(active(), policy, reviewer, requester, entitlements);
  }

  /**
   * Whether suspensions refuse a review by {@code reviewer}, for many requests at once: the active
   * suspensions are read once, then each request (its requester snapshot and entitlements) is
   * tested in memory. For listings.
   */
  public BiPredicate<Map<String, Object>, List<String>> reviewRefused(
      PolicySet policy, Caller reviewer) {
    List<Suspension> active = active();
    if (active.isEmpty()) {
      return (requester, entitlements) -> false;
    }
    return (requester, entitlements) ->
        !SuspensionRefusals.toReview(active, policy, reviewer, requester, entitlements).isEmpty();
  }

  // ------------------------------------------------------------------ admin

  /** Which suspensions a listing shows. */
  public enum State {
    ACTIVE,
    LIFTED,
    ALL
  }

  /** One page and the cursor of the next, or null at the end. */
  public record Page(List<Suspension> items, String next) {}

  /** Suspensions newest first, keyset-paged by (placed_at, id); admins and auditors. */
  @Transactional
  public Page list(Caller caller, State state, String cursor, int limit) {
    if (!roles.mayReadAll(caller)) {
      throw new Problems.Forbidden("Only admins and auditors may list suspensions.");
    }
    Cursor after = Cursor.decode(cursor);
    StringBuilder q = new StringBuilder("from Suspension s where 1 = 1");
    if (state == State.ACTIVE) {
      q.append(" and s.liftedAt is null");
    } else if (state == State.LIFTED) {
      q.append(" and s.liftedAt is not null");
    }
    if (after != null) {
      q.append(" and (s.placedAt < :t or (s.placedAt = :t and s.id < :id))");
    }
    q.append(" order by s.placedAt desc, s.id desc");
    var query = em.createQuery(q.toString(), Suspension.class);
    if (after != null) {
      query.setParameter("t", after.createdAt()).setParameter("id", after.id());
    }
    List<Suspension> rows = query.setMaxResults(limit + 1).getResultList();
    if (rows.size() > limit) {
      Suspension last = rows.get(limit - 1);
      return new Page(
          List.copyOf(rows.subList(0, limit)), new Cursor(last.placedAt(), last.id()).encode());
    }
    return new Page(List.copyOf(rows), null);
  }

  /** One suspension; admins and auditors. */
  @Transactional
  public Suspension get(Caller caller, UUID id) {
    if (!roles.mayReadAll(caller)) {
      throw new Problems.Forbidden("Only admins and auditors may see suspensions.");
    }
    Suspension s = em.find(Suspension.class, id);
    if (s == null) {
      throw new Problems.NotFound("Suspension", id.toString());
    }
    return s;
  }

  /** Lifts a suspension, once, with a reason; admins only. Audited in the same transaction. */
  @Transactional
  public Suspension lift(Caller caller, UUID id, String reason) {
    if (!roles.isAdmin(caller)) {
      throw new Problems.Forbidden("Only admins may lift a suspension.");
    }
    String why = checkReason(reason);
    Suspension s = em.find(Suspension.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (s == null) {
      throw new Problems.NotFound("Suspension", id.toString());
    }
    s.lift(caller.subject(), caller.name(), why, clock.instant().truncatedTo(ChronoUnit.MICROS));
    audit.append(
        SuspensionAudit.lifted(
            s.id(),
            caller.subject(),
            why,
            s.scope().toMap(),
            s.placedAt(),
            s.placedBy(),
            s.operation()));
    return s;
  }

  /** A reason as the kill switch and lifting need it: present, at most 1,000 characters, no NUL. */
  public static String checkReason(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new Problems.Invalid(
          new FieldError("reason", "is required", "say why, e.g. \"contract renewed\""));
    }
    String r = reason.strip();
    if (r.length() > MAX_REASON || r.indexOf('\u0000') >= 0) {
      throw new Problems.Invalid(
          new FieldError(
              "reason", "must be at most " + MAX_REASON + " characters without NUL", null));
    }
    return r;
  }
}
