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
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problems;
import io.portcullis.request.RequestStore.BreakGlassReview;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Break-glass follow-ups, for admins and auditors: every break-glass activation is approved at once
 * and must be reviewed after the fact by a due date ({@code portcullis.requests.break-glass-review-
 * within}); its first-stage reviewers and the security contacts were notified when it happened
 * ({@code request.break_glass_activated}). This reads where each follow-up stands: waiting,
 * overdue, or reviewed with its outcome.
 *
 * <p>Escalation of an overdue follow-up is not sent by anyone yet (notification delivery is issue
 * 18): {@link #escalation} says to whom it would go under the policy in force.
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

  /** One follow-up; 404 when the request does not exist or was not break-glass. */
  @Transactional
  public FollowUp get(Caller caller, UUID requestId) {
    mayRead(caller);
    store.readOnly();
    Optional<BreakGlassReview> review = store.breakGlassReview(requestId);
    AccessRequest r = store.find(requestId).orElse(null);
    if (review.isEmpty() || r == null) {
      throw new Problems.NotFound("Break-glass follow-up", requestId.toString());
    }
    return new FollowUp(r, review.get(), overdue(review.get(), clock.instant()));
  }

  /** The grants the break-glass request made. */
  @Transactional
  public List<AccessGrant> grantsOf(Caller caller, UUID requestId) {
    mayRead(caller);
    return grants.ofRequest(requestId);
  }

  /** Whom the activation was announced to, as the ledger recorded it (empty when not found). */
  @Transactional
  public List<String> notified(Caller caller, UUID requestId) {
    mayRead(caller);
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
    mayRead(caller);
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

  private static boolean overdue(BreakGlassReview r, Instant now) {
    return r.reviewedAt() == null && r.dueAt().isBefore(now);
  }

  private void mayRead(Caller caller) {
    if (!roles.mayReadAll(caller)) {
      throw new Problems.Forbidden("Only admins and auditors see break-glass follow-ups.");
    }
  }
}
