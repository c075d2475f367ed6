package io.portcullis.request;

import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.GrantLookup;
import io.portcullis.grant.GrantService;
import io.portcullis.grant.GrantState;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.identity.Roles;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.request.RequestStore.BreakGlassReview;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Acting on break-glass follow-ups: recording the review after the fact with its outcome ({@link
 * #record}), and escalating an overdue one, by an admin ({@link #escalate}) or by the scheduler
 * ({@link #escalateOverdue}), once per follow-up. Each locks the follow-up's row, changes it with a
 * compare-and-set, and appends its audit event ({@code request.break_glass_reviewed}, {@code
 * request.break_glass_escalated}) and, for an escalation, its outbox row in the same transaction.
 */
@ApplicationScoped
public class BreakGlassReviewing {

  /** The longest comment of a review after the fact, in characters. */
  public static final int MAX_COMMENT_CHARS = 4000;

  /** The reason given to the grant engine for a revocation asked for with a review. */
  static final String REVOKE_REASON = "break-glass review: not justified";

  private static final Set<GrantState> STILL_GRANTED =
      Set.of(GrantState.SCHEDULED, GrantState.ACTIVATING, GrantState.ACTIVE);

  /** What a review after the fact says of the activation. */
  public enum Outcome {
    /** The emergency justified breaking the glass. */
    JUSTIFIED,
    /** It did not: follow up with the person; the grants may be revoked with the review. */
    NOT_JUSTIFIED
  }

  /** A review as recorded, and the grants revoked with it. */
  public record Recorded(BreakGlassReview review, List<UUID> revokedGrants) {}

  private final RequestStore store;
  private final BreakGlassFollowUps followUps;
  private final GrantLookup grants;
  private final GrantService grantService;
  private final PolicyStore policies;
  private final NotificationOutbox outbox;
  private final AuditLog audit;
  private final Roles roles;
  private final Clock clock;

  BreakGlassReviewing(
      RequestStore store,
      BreakGlassFollowUps followUps,
      GrantLookup grants,
      GrantService grantService,
      PolicyStore policies,
      NotificationOutbox outbox,
      AuditLog audit,
      Roles roles,
      Clock clock) {
    this.store = store;
    this.followUps = followUps;
    this.grants = grants;
    this.grantService = grantService;
    this.policies = policies;
    this.outbox = outbox;
    this.audit = audit;
    this.roles = roles;
    this.clock = clock;
  }

  /** Reads an outcome as sent ({@code justified}, {@code NOT_JUSTIFIED}, …); 400 otherwise. */
  public static Outcome outcome(String sent) {
    if (sent == null || sent.isBlank()) {
      throw new Problems.Invalid(
          new FieldError("outcome", "is required", "JUSTIFIED or NOT_JUSTIFIED"));
    }
    try {
      return Outcome.valueOf(sent.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new Problems.Invalid(
          new FieldError("outcome", "must be JUSTIFIED or NOT_JUSTIFIED", null));
    }
  }

  /**
   * Records the review after the fact of a break-glass activation, once: by someone who {@link
   * BreakGlassFollowUps#mayReview may review it}, never its requester, with a comment. With {@code
   * revoke} (only for NOT_JUSTIFIED) the request's grants still granted are revoked early through
   * {@link GrantService#revoke}, in the same transaction.
   *
   * @throws Problems.NotFound when there is no such follow-up or the caller may not see it
   * @throws Problems.Forbidden for its requester, and for others who may see it but not review it
   * @throws Problems.Conflict when its review is already recorded
   */
  @Transactional
  public Recorded record(
      Caller caller, UUID requestId, Outcome outcome, String comment, boolean revoke) {
    List<FieldError> errors = new ArrayList<>();
    if (outcome == null) {
      errors.add(new FieldError("outcome", "is required", "JUSTIFIED or NOT_JUSTIFIED"));
    }
    String text = comment == null ? null : comment.strip();
    if (text == null || text.isEmpty()) {
      errors.add(
          new FieldError(
              "comment",
              "is required",
              "say what you found, e.g. \"payments outage INC-9001, confirmed with on-call lead\""));
    } else if (text.length() > MAX_COMMENT_CHARS || text.indexOf('\u0000') >= 0) {
      errors.add(
          new FieldError(
              "comment", "must be at most " + MAX_COMMENT_CHARS + " characters without NUL", null));
    }
    if (revoke && outcome == Outcome.JUSTIFIED) {
      errors.add(new FieldError("revoke", "only a NOT_JUSTIFIED review revokes the grants", null));
    }
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()),
          errors);
    }
    AccessRequest r = store.find(requestId).orElse(null);
    BreakGlassReview row = store.lockBreakGlassReview(requestId).orElse(null);
    if (r == null || row == null || !followUps.maySee(caller, r)) {
      throw new Problems.NotFound("Break-glass follow-up", requestId.toString());
    }
    if (followUps.isRequester(caller, r)) {
      throw new Problems.Forbidden(
          "You broke the glass for request "
              + requestId
              + ": its review after the fact is for someone else.");
    }
    if (!followUps.mayReview(caller, r)) {
      throw new Problems.Forbidden(
          "Only a first-stage reviewer of "
              + String.join(", ", r.entitlements())
              + ", a security contact or an admin may review break-glass request "
              + requestId
              + ".");
    }
    if (row.reviewedAt() != null) {
      throw alreadyReviewed(row);
    }
    List<AccessGrant> toRevoke =
        revoke
            ? grants.ofRequest(requestId).stream()
                .filter(g -> STILL_GRANTED.contains(g.state()))
                .toList()
            : List.of();
    for (AccessGrant g : toRevoke) {
      if (!grantService.mayRevoke(caller, g)) {
        throw new Problems.Forbidden(
            "You may review request "
                + requestId
                + " but not revoke its grant "
                + g.id()
                + " (only its entitlement's approvers and admins may); record the review without"
                + " revoking and ask an admin.");
      }
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String reviewerKey = Identities.normalize(caller.subject());
    if (!store.recordBreakGlassReview(requestId, now, reviewerKey, outcome.name(), text)) {
      throw alreadyReviewed(store.breakGlassReview(requestId).orElse(row));
    }
    List<UUID> revoked = new ArrayList<>();
    for (AccessGrant g : toRevoke) {
      AccessGrant after = grantService.revoke(caller, g.id(), REVOKE_REASON);
      if (after.state() == GrantState.REVOKING || after.state() == GrantState.REVOKED) {
        revoked.add(g.id());
      }
    }
    audit.append(
        RequestAudit.breakGlassReviewed(
            requestId,
            caller.subject(),
            outcome.name(),
            text,
            row.dueAt(),
            BreakGlassFollowUps.overdue(row, now),
            revoked.stream().map(UUID::toString).toList(),
            policyVersion()));
    return new Recorded(
        new BreakGlassReview(
            requestId,
            row.dueAt(),
            now,
            reviewerKey,
            outcome.name(),
            text,
            row.escalatedAt(),
            row.escalatedBy(),
            row.escalatedTo()),
        List.copyOf(revoked));
  }

  /**
   * Escalates an overdue follow-up now, once: an outbox row ({@code request.break_glass_overdue})
   * to {@link BreakGlassFollowUps#escalation whom it escalates to under policy}, and the event
   * {@code request.break_glass_escalated}. Admins only.
   *
   * @throws Problems.Conflict when it is reviewed, not overdue yet, or already escalated
   */
  @Transactional
  public BreakGlassReview escalate(Caller caller, UUID requestId) {
    AccessRequest r = store.find(requestId).orElse(null);
    BreakGlassReview row = store.lockBreakGlassReview(requestId).orElse(null);
    if (r == null || row == null || !followUps.maySee(caller, r)) {
      throw new Problems.NotFound("Break-glass follow-up", requestId.toString());
    }
    if (!roles.isAdmin(caller)) {
      throw new Problems.Forbidden("Only admins escalate a break-glass follow-up.");
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    if (row.reviewedAt() != null) {
      throw alreadyReviewed(row);
    }
    if (row.escalatedAt() != null) {
      throw new Problems.Conflict(
          "Break-glass follow-up "
              + requestId
              + " was already escalated at "
              + row.escalatedAt()
              + " by "
              + row.escalatedBy()
              + " to "
              + String.join(", ", row.escalatedTo())
              + "; it is escalated once.");
    }
    if (!row.dueAt().isBefore(now)) {
      throw new Problems.Conflict(
          "Break-glass follow-up "
              + requestId
              + " is due at "
              + row.dueAt()
              + ": only an overdue follow-up is escalated.");
    }
    return escalate(r, row, caller.subject(), now);
  }

  /**
   * Escalates up to {@code n} follow-ups not reviewed and not escalated whose due date is before
   * {@code dueBefore}, each once: they are claimed with SKIP LOCKED and marked with a
   * compare-and-set, so replicas and repeated runs never escalate one twice. For the scheduler.
   *
   * @return how many were escalated
   */
  @Transactional
  public int escalateOverdue(Instant dueBefore, int n) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    int done = 0;
    for (UUID id : store.claimOverdueBreakGlass(dueBefore, n)) {
      AccessRequest r = store.find(id).orElse(null);
      BreakGlassReview row = store.breakGlassReview(id).orElse(null);
      if (r != null && row != null && row.reviewedAt() == null && row.escalatedAt() == null) {
        escalate(r, row, RequestAudit.ESCALATION_ACTOR, now);
        done++;
      }
    }
    return done;
  }

  private BreakGlassReview escalate(
      AccessRequest r, BreakGlassReview row, String actor, Instant now) {
    List<String> to = followUps.escalationRecipients(r);
    if (!store.markBreakGlassEscalated(r.id(), now, actor, to)) {
      throw new Problems.Conflict(
          "Break-glass follow-up " + r.id() + " was reviewed or escalated meanwhile.");
    }
    UUID notification =
        outbox.enqueue(
            new Notification.BreakGlassOverdue(
                r.id(), to, r.requester().subject(), r.entitlements(), row.dueAt(), actor),
            now);
    audit.append(
        RequestAudit.breakGlassEscalated(
            r.id(), actor, row.dueAt(), to, notification, policyVersion()));
    return new BreakGlassReview(
        r.id(),
        row.dueAt(),
        row.reviewedAt(),
        row.reviewerKey(),
        row.outcome(),
        row.comment(),
        now,
        actor,
        to);
  }

  private String policyVersion() {
    var p = policies.currentOrNull();
    return p == null ? null : p.hash();
  }

  private static Problems.Conflict alreadyReviewed(BreakGlassReview row) {
    return new Problems.Conflict(
        "Break-glass request "
            + row.requestId()
            + " was already reviewed at "
            + row.reviewedAt()
            + " by "
            + row.reviewerKey()
            + " ("
            + row.outcome()
            + "); a follow-up is reviewed once.");
  }
}
