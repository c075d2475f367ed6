package io.portcullis.catalog.suspension;

import io.portcullis.audit.AuditHmac;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.Reason;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.platform.database.TransactionLocks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiPredicate;
import org.hibernate.Session;

/**
 * Suspensions as a decision input: the kill switch places them, and every request and review asks
 * which of them refuse it ({@link SuspensionRefusals} words why). Policy decisions stay pure: this
 * service reads the active suspensions and hands their reasons to {@code PolicyDecisions}. Admins
 * list and lift them through {@link SuspensionAdmin}.
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

  private final EntityManager em;
  private final AuditLog audit;
  private final AuditHmac hmac;
  private final Clock clock;

  Suspensions(EntityManager em, AuditLog audit, AuditHmac hmac, Clock clock) {
    this.em = em;
    this.audit = audit;
    this.hmac = hmac;
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

  /** Waits for a kill switch under way, and holds the next one off until this transaction ends. */
  @Transactional(TxType.MANDATORY)
  public void holdOff() {
    TransactionLocks.shared(em, LOCK);
  }

  /**
   * Waits for requests and reviews under way, and holds new ones off until this transaction ends.
   */
  @Transactional(TxType.MANDATORY)
  public void lockOut() {
    TransactionLocks.exclusive(em, LOCK);
  }

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
    em.flush(); // written at once: active() asks the database first whether any is active
    audit.append(
        SuspensionAudit.placed(
            s.id(), by.subject(), auditScope(scope), members, reason, operation));
    return s;
  }

  /**
   * The active suspensions, newest first. Every request and review asks, and there is almost never
   * one: so the database is asked first, on the session's connection, whether any suspension is
   * unlifted; only then does the ORM query run (which first checks the whole session for changes to
   * flush). A suspension is written as it is placed ({@link #place}), so none is missed; one lifted
   * in this transaction but not yet flushed is still found there and the query sees it lifted.
   */
  @Transactional
  public List<Suspension> active() {
    boolean any =
        em.unwrap(Session.class)
            .doReturningWork(
                c -> {
                  try (PreparedStatement ps =
                          c.prepareStatement(
                              "select exists (select 1 from suspension where lifted_at is null)");
                      ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                  }
                });
    if (!any) {
      return List.of();
    }
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
      PolicySet policy, Caller reviewer, Caller requester, List<String> entitlements) {
    return Reason.messages(refusalDetailsToReview(policy, reviewer, requester, entitlements));
  }

  /**
   * {@link #refusalsToReview} with codes: {@code suspended-requester}, {@code suspended-reviewer}.
   */
  @Transactional
  public List<Reason> refusalDetailsToReview(
      PolicySet policy, Caller reviewer, Caller requester, List<String> entitlements) {
    return SuspensionRefusals.toReview(active(), policy, reviewer, requester, entitlements);
  }

  /**
   * Whether suspensions refuse a review by {@code reviewer}, for many requests at once: the active
   * suspensions are read once, then each request (its requester snapshot and entitlements) is
   * tested in memory. For listings.
   */
  public BiPredicate<Caller, List<String>> reviewRefused(PolicySet policy, Caller reviewer) {
    List<Suspension> active = active();
    if (active.isEmpty()) {
      return (requester, entitlements) -> false;
    }
    return (requester, entitlements) ->
        !SuspensionRefusals.toReview(active, policy, reviewer, requester, entitlements).isEmpty();
  }
}
