package io.portcullis.request;

import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.AuditSearch;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.Stage;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.GrantLookup;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problems;
import io.portcullis.request.RequestStore.BreakGlassReview;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Break-glass follow-ups, for admins and auditors: every break-glass activation is approved at once
 * and must be reviewed after the fact by a due date ({@code portcullis.requests.break-glass-review-
 * within}); its first-stage reviewers and the security contacts were notified when it happened
 * ({@code request.break_glass_activated}). This reads where each follow-up stands: waiting,
 * overdue, or reviewed with its outcome, and whether and to whom it was escalated.
 *
 * <p>Who may review a follow-up ({@link #mayReview}): never its requester; an admin, a security
 * contact (named by IdP subject or verified email) or a reviewer of the first stage of one of its
 * entitlements under the policy in force. They see the follow-up; the listings are for admins and
 * auditors (its requester sees their own). Recording the review and escalating are {@link
 * BreakGlassReviewing}; {@link #escalation} says to whom an overdue follow-up escalates under the
 * policy in force.
 */
@ApplicationScoped
public class BreakGlassFollowUps {

  private final RequestStore store;
  private final GrantLookup grants;
  private final PolicyStore policies;
  private final RequestConfig config;
  private final AuditSearch search;
  private final Roles roles;
  private final Clock clock;

  BreakGlassFollowUps(
      RequestStore store,
      GrantLookup grants,
      PolicyStore policies,
      RequestConfig config,
      AuditSearch search,
      Roles roles,
      Clock clock) {
    this.store = store;
    this.grants = grants;
    this.policies = policies;
    this.config = config;
    this.search = search;
    this.roles = roles;
    this.clock = clock;
  }

  /** Which follow-ups a listing shows. */
  public enum View {
    /** Not reviewed and past their due date. */
    OVERDUE,
    /** Not reviewed yet, overdue or not. */
    OPEN,
    /** Every one, reviewed or not. */
    ALL
  }

  /**
   * A break-glass request and its review after the fact.
   *
   * @param overdue not reviewed and past its due date
   */
  public record FollowUp(AccessRequest request, BreakGlassReview review, boolean overdue) {
    public boolean reviewed() {
      return review.reviewedAt() != null;
    }

    public boolean escalated() {
      return review.escalatedAt() != null;
    }
  }

  /**
   * Who an overdue follow-up of one entitlement escalates to under the policy in force.
   *
   * @param firstStage the first stage's reviewers (notified at activation)
   * @param laterStages the reviewers of the stages after the first
   * @param notifyTargets the entitlement's {@code notify:} targets
   * @param inPolicy whether the policy in force still has the entitlement
   */
  public record Escalation(
      String entitlement,
      List<String> firstStage,
      List<String> laterStages,
      List<String> notifyTargets,
      boolean inPolicy) {}

  /** Follow-ups by due date, oldest first, at most {@code n}. Admins and auditors. */
  @Transactional
  public List<FollowUp> list(Caller caller, View view, int n) {
    mayRead(caller);
    store.readOnly();
    Instant now = clock.instant();
    List<BreakGlassReview> rows =
        store.breakGlassReviews(view != View.ALL, view == View.OVERDUE ? now : null, n);
    List<FollowUp> out = new ArrayList<>(rows.size());
    for (BreakGlassReview r : rows) {
      store.find(r.requestId()).ifPresent(req -> out.add(new FollowUp(req, r, overdue(r, now))));
    }
    return out;
  }

  /**
   * One follow-up, for admins, auditors and those who may review it; 404 when the request does not
   * exist, was not break-glass or the caller may not see it.
   */
  @Transactional
  public FollowUp get(Caller caller, UUID requestId) {
    store.readOnly();
    Optional<BreakGlassReview> review = store.breakGlassReview(requestId);
    AccessRequest r = store.find(requestId).orElse(null);
    if (review.isEmpty() || r == null || !maySee(caller, r)) {
      throw new Problems.NotFound("Break-glass follow-up", requestId.toString());
    }
    return new FollowUp(r, review.get(), overdue(review.get(), clock.instant()));
  }

  /** The grants the break-glass request made. */
  @Transactional
  public List<AccessGrant> grantsOf(Caller caller, FollowUp f) {
    requireSee(caller, f.request());
    return grants.ofRequest(f.request().id());
  }

  /** Whom the activation was announced to, as the ledger recorded it (empty when not found). */
  @Transactional
  public List<String> notified(Caller caller, FollowUp f) {
    requireSee(caller, f.request());
    UUID requestId = f.request().id();
    List<AuditRecord> found =
        search
            .search(
                new AuditSearch.Query(
                    null,
                    "request:" + requestId,
                    RequestAudit.BREAK_GLASS_ACTIVATED,
                    null,
                    null,
                    null,
                    null,
                    null),
                null,
                1)
            .items();
    if (found.isEmpty() || !(found.get(0).details().get("notified") instanceof List<?> l)) {
      return List.of();
    }
    return l.stream().map(String::valueOf).toList();
  }

  /** Per entitlement of the request, whom an overdue follow-up escalates to under policy. */
  public List<Escalation> escalation(Caller caller, AccessRequest r) {
    requireSee(caller, r);
    return escalationOf(r);
  }

  /**
   * The recipients of an escalation, each once: the reviewers of every stage of the request's
   * entitlements under the policy in force, their {@code notify:} targets, and the security
   * contacts ({@code security <address>}, as at activation).
   */
  List<String> escalationRecipients(AccessRequest r) {
    Set<String> out = new LinkedHashSet<>();
    for (Escalation e : escalationOf(r)) {
      out.addAll(e.firstStage());
      out.addAll(e.laterStages());
      out.addAll(e.notifyTargets());
    }
    config.securityContacts().forEach(c -> out.add("security " + c));
    return List.copyOf(out);
  }

  /**
   * Whether the caller may record the review after the fact of this break-glass request: never its
   * requester (the one rule of {@link Identities#samePerson}); an admin, a security contact (a
   * configured contact equal to their subject or verified email, as policy entries name people), or
   * a reviewer of the first stage of one of its entitlements under the policy in force, now.
   */
  public boolean mayReview(Caller caller, AccessRequest r) {
    if (isRequester(caller, r)) {
      return false;
    }
    if (roles.isAdmin(caller)
        || config.securityContacts().stream().anyMatch(c -> Identities.names(c, caller))) {
      return true;
    }
    PolicyDecisions d = policies.decisions();
    Instant now = clock.instant();
    for (String id : r.entitlements()) {
      Optional<Entitlement> e = d.policy().entitlement(id);
      if (e.isPresent()
          && !e.get().approval().stages().isEmpty()
          && d.membership(e.get().approval().stages().get(0).reviewers(), caller, now)
              .isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** Whether the caller is the person who broke the glass. */
  public boolean isRequester(Caller caller, AccessRequest r) {
    return Identities.samePerson(caller, r.requester().toCaller());
  }

  /**
   * Admins and auditors see every follow-up; those who may review one, and its requester (whose
   * request it is), see it too.
   */
  public boolean maySee(Caller caller, AccessRequest r) {
    return roles.mayReadAll(caller) || isRequester(caller, r) || mayReview(caller, r);
  }

  private void requireSee(Caller caller, AccessRequest r) {
    if (!maySee(caller, r)) {
      throw new Problems.NotFound("Break-glass follow-up", r.id().toString());
    }
  }

  private List<Escalation> escalationOf(AccessRequest r) {
    PolicySet policy = policies.currentOrNull();
    List<Escalation> out = new ArrayList<>();
    for (String id : r.entitlements()) {
      Optional<Entitlement> e = policy == null ? Optional.empty() : policy.entitlement(id);
      if (e.isEmpty()) {
        out.add(new Escalation(id, List.of(), List.of(), List.of(), false));
        continue;
      }
      List<Stage> stages = e.get().approval().stages();
      List<String> first =
          stages.isEmpty() ? List.of() : PolicyDecisions.describeEach(stages.get(0).reviewers());
      List<String> later = new ArrayList<>();
      for (Stage s : stages.subList(Math.min(1, stages.size()), stages.size())) {
        for (String who : PolicyDecisions.describeEach(s.reviewers())) {
          if (!later.contains(who) && !first.contains(who)) {
            later.add(who);
          }
        }
      }
      out.add(new Escalation(id, first, List.copyOf(later), e.get().notifyTargets(), true));
    }
    return out;
  }

  /** The security contacts, who hear of every break-glass activation. */
  public List<String> securityContacts() {
    return List.copyOf(config.securityContacts());
  }

  static boolean overdue(BreakGlassReview r, Instant now) {
    return r.reviewedAt() == null && r.dueAt().isBefore(now);
  }

  private void mayRead(Caller caller) {
    if (!roles.mayReadAll(caller)) {
      throw new Problems.Forbidden("Only admins and auditors see break-glass follow-ups.");
    }
  }
}
