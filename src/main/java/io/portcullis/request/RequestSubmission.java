package io.portcullis.request;

import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.Reason;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.grant.GrantLookup;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.PersonKey;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.platform.json.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Submitting a request: checks, policy's decision for each entitlement, the plan, and then one of
 * three ways on — waiting for reviewers, auto-approved by a rule, or activated by break-glass — all
 * in one transaction with their audit events.
 */
@ApplicationScoped
public class RequestSubmission {

  /** How many approved requests of the same ask are examined for a live grant. */
  private static final int RECENT_APPROVED = 10;

  private final RequestStore store;
  private final SubmissionChecks checks;
  private final PolicyStore policies;
  private final Suspensions suspensions;
  private final RequestApproval approval;
  private final ReviewerNotices notices;
  private final GrantLookup grants;
  private final AuditLog audit;
  private final RequestConfig config;
  private final Clock clock;

  RequestSubmission(
      RequestStore store,
      SubmissionChecks checks,
      PolicyStore policies,
      Suspensions suspensions,
      RequestApproval approval,
      ReviewerNotices notices,
      GrantLookup grants,
      AuditLog audit,
      RequestConfig config,
      Clock clock) {
    this.store = store;
    this.checks = checks;
    this.policies = policies;
    this.suspensions = suspensions;
    this.approval = approval;
    this.notices = notices;
    this.grants = grants;
    this.audit = audit;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Submits a request, unless the caller has an open one of the same ask (same entitlements, still
   * pending or holding live access) and policy does not allow parallel grants: the same ask again
   * (duration, start, justification, ticket, break-glass and inputs alike) returns that request
   * ({@link Submission.Submitted#existing()}); an ask that differs is refused with {@link
   * OpenRequestExists} (409) naming it.
   */
  @Transactional
  public Submission.Submitted submit(Caller caller, Submission s) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    RequestSpec spec = checks.validate(s, now);
    PolicyDecisions decisions = policies.decisions();
    suspensions.holdOff(); // a kill switch under way finishes first, the next one waits for us
    List<PolicyDecisions.Outcome> outcomes =
        decisions.decide(
            caller,
            spec,
            now,
            suspensions.refusalsToRequest(decisions.policy(), caller, spec.entitlements()));
    refuseUnlessAllowed(outcomes);
    Map<String, String> inputs = checks.checkInputs(decisions, spec.entitlements(), s.inputs());
    PersonKey owner = PersonKey.of(caller);
    boolean parallel = spec.entitlements().stream().allMatch(id -> parallel(decisions, id));
    String askKey = askKey(owner, spec, s.extendsGrantId(), parallel);
    store.lockAsk(askKey);
    Optional<AccessRequest> open = parallel ? Optional.empty() : openEqual(askKey);
    if (open.isPresent()) {
      List<FieldError> differences = OpenRequestExists.differences(open.get(), spec, inputs);
      if (!differences.isEmpty()) {
        throw OpenRequestExists.of(open.get(), differences, grants.ofRequest(open.get().id()));
      }
      return new Submission.Submitted(open.get(), true); // the same ask again: say so
    }
    List<PlannedEntitlement> plan =
        outcomes.stream()
            .map(o -> PlannedEntitlement.of(o.entitlement(), o.plan(), o.reasons()))
            .toList();
    String policyVersion = decisions.policy().hash();
    AccessRequest r =
        AccessRequest.submitted(
            UUID.randomUUID(),
            owner,
            CallerSnapshot.of(caller),
            spec.entitlements(),
            spec.duration(),
            spec.start(),
            spec.justification(),
            spec.ticket(),
            spec.breakGlass(),
            policyVersion,
            RequestDigest.of(owner.subject(), spec, policyVersion, s.extendsGrantId(), inputs),
            askKey,
            plan,
            now,
            now.plus(minPendingTtl(decisions, spec.entitlements())),
            s.extendsGrantId(),
            inputs);
    store.add(r);
    audit.append(
        RequestAudit.submitted(
            r.id(),
            caller.subject(),
            spec.entitlements(),
            spec.duration().toString(),
            spec.start(),
            spec.ticket(),
            spec.justification(),
            spec.breakGlass(),
            policyVersion,
            r.digest(),
            outcomes.stream().flatMap(o -> o.reasons().stream()).toList(),
            eligibleVia(decisions, caller, spec.entitlements(), now),
            s.extendsGrantId()));
    List<String> autoRules =
        plan.stream()
            .filter(PlannedEntitlement::autoApproved)
            .map(p -> p.entitlement() + ": " + p.autoApprovedBy())
            .toList();
    if (spec.breakGlass()) {
      breakGlass(r, caller, decisions, now);
    } else if (autoRules.size() == plan.size()) {
      autoApprove(r, autoRules, now);
    } else {
      notices.reviewRequested(r, now);
    }
    return new Submission.Submitted(r, false);
  }

  private static Map<String, String> eligibleVia(
      PolicyDecisions decisions, Caller caller, List<String> entitlements, Instant now) {
    Map<String, String> via = new java.util.TreeMap<>();
    for (String id : entitlements) {
      decisions
          .policy()
          .entitlement(id)
          .flatMap(e -> decisions.eligibleVia(e, caller, now))
          .ifPresent(key -> via.put(id, key));
    }
    return via;
  }

  /**
   * A 422 naming each refusal's field: policy says which request field a reason concerns; a reason
   * about the entitlement itself (or about none) points at that entitlement in the list.
   */
  private static void refuseUnlessAllowed(List<PolicyDecisions.Outcome> outcomes) {
    List<FieldError> refusals = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      PolicyDecisions.Outcome o = outcomes.get(i);
      if (!o.allowed()) {
        for (Reason reason : o.details()) {
          refusals.add(new FieldError(fieldOf(reason, i), reason.message()));
        }
      }
    }
    if (!refusals.isEmpty()) {
      throw new Problems.Unprocessable(
          "Policy refuses this request",
          refusals.size()
              + " reason(s): "
              + String.join("; ", refusals.stream().map(FieldError::message).toList()),
          refusals);
    }
  }

  static String fieldOf(Reason reason, int index) {
    return reason.field() == null || reason.field().equals("entitlement")
        ? "entitlements[" + index + "]"
        : reason.field();
  }

  private static boolean parallel(PolicyDecisions d, String entitlement) {
    return d.policy().entitlement(entitlement).map(Entitlement::parallelGrants).orElse(false);
  }

  /**
   * The ask: who asks for which entitlements. An extension is its own ask, never the grant's
   * request; when policy allows parallel grants every ask is new.
   */
  private static String askKey(
      PersonKey owner, RequestSpec spec, UUID extendsGrantId, boolean parallel) {
    List<Object> ask =
        new ArrayList<>(List.of(owner.subject(), new TreeSet<>(spec.entitlements())));
    if (extendsGrantId != null) {
      ask.add(extendsGrantId.toString());
    }
    if (parallel) {
      ask.add(UUID.randomUUID().toString());
    }
    return Sha256.hex(CanonicalJson.write(ask));
  }

  /** The pending request of this ask, else its approved one whose grants are not all over. */
  private Optional<AccessRequest> openEqual(String askKey) {
    Optional<AccessRequest> pending = store.pendingWithAsk(askKey);
    if (pending.isPresent()) {
      return pending;
    }
    List<AccessRequest> approved = store.approvedWithAsk(askKey, RECENT_APPROVED);
    Set<UUID> live = grants.withLiveGrants(approved.stream().map(AccessRequest::id).toList());
    return approved.stream().filter(r -> live.contains(r.id())).findFirst();
  }

  private static Duration minPendingTtl(PolicyDecisions d, List<String> ids) {
    return ids.stream()
        .map(
            id ->
                d.policy()
                    .entitlement(id)
                    .map(Entitlement::pendingTtl)
                    .orElse(Duration.ofHours(24)))
        .min(Duration::compareTo)
        .orElse(Duration.ofHours(24));
  }

  private void autoApprove(AccessRequest r, List<String> autoRules, Instant now) {
    store.add(
        RequestReview.of(
            UUID.randomUUID(),
            r.id(),
            RequestReview.SYSTEM_POLICY,
            CallerSnapshot.system(RequestReview.SYSTEM_POLICY, "Policy"),
            RequestReview.Decision.APPROVE,
            "auto-approved by " + String.join(", ", autoRules),
            r.digest(),
            now));
    audit.append(
        RequestAudit.autoApproved(
            r.id(), RequestReview.SYSTEM_POLICY, autoRules, r.policyVersion()));
    approval.approve(
        r,
        RequestReview.SYSTEM_POLICY,
        List.of("auto-approved: " + String.join("; ", autoRules)),
        now);
  }

  /**
   * Break-glass: approved at once, reviewed after the fact by the first stage's reviewers and the
   * security contacts, by a due date.
   */
  private void breakGlass(AccessRequest r, Caller caller, PolicyDecisions d, Instant now) {
    List<String> recipients = new ArrayList<>(ReviewerNotices.firstStageReviewers(r.plan()));
    for (String id : r.entitlements()) {
      d.policy()
          .entitlement(id)
          .flatMap(e -> e.approval().stages().stream().findFirst())
          .ifPresent(
              s ->
                  PolicyDecisions.describeEach(s.reviewers()).stream()
                      .filter(x -> !recipients.contains(x))
                      .forEach(recipients::add));
    }
    config.securityContacts().forEach(c -> recipients.add("security " + c));
    Instant due = now.plus(config.breakGlassReviewWithin());
    store.addBreakGlassReview(r.id(), due);
    audit.append(
        RequestAudit.breakGlassActivated(
            r.id(),
            caller.subject(),
            r.entitlements(),
            r.justification(),
            due,
            recipients,
            r.policyVersion()));
    approval.approve(
        r,
        caller.subject(),
        List.of("break-glass by " + caller.subject() + "; review due by " + due),
        now);
    notices.breakGlassActivated(r, recipients, now);
  }
}
