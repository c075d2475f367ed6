package io.portcullis.catalog.suspension;

import io.portcullis.audit.AuditLog;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.paging.Cursor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Suspensions for admins and auditors: list them, look at one, and (admins) lift one, audited in
 * the same transaction.
 */
@ApplicationScoped
public class SuspensionAdmin {

  static final int MAX_REASON = 1_000;

  private final EntityManager em;
  private final AuditLog audit;
  private final Roles roles;
  private final Clock clock;

  SuspensionAdmin(EntityManager em, AuditLog audit, Roles roles, Clock clock) {
    this.em = em;
    this.audit = audit;
    this.roles = roles;
    this.clock = clock;
  }

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

  /**
   * Lifts a suspension that another feature placed until the policy changed, once the policy in
   * force shows that change (an access review's removal, verified). In the caller's transaction,
   * audited there; a suspension already lifted (by an admin) is left as it is.
   *
   * @param actor the system actor that verified the change, e.g. {@code system:review-remediation}
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void liftOnPolicyChange(UUID id, String actor, String reason) {
    String why = checkReason(reason);
    Suspension s = em.find(Suspension.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (s == null || !s.active()) {
      return;
    }
    s.lift(actor, actor, why, clock.instant().truncatedTo(ChronoUnit.MICROS));
    audit.append(
        SuspensionAudit.lifted(
            s.id(), actor, why, s.scope().toMap(), s.placedAt(), s.placedBy(), s.operation()));
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
