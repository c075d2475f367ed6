package io.portcullis.catalog.decision;

import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.Stage;
import io.portcullis.identity.Caller;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy's decisions as pure functions of a policy set, the people involved, the request and
 * the time. Nothing here reads a clock, a database or the network, so every rule is table-tested.
 */
public final class PolicyDecisions {

  private final PolicySet policy;
  private final Membership membership;
  private final RequestRules requests;
  private final ActivationRules activation;
  private final ApprovalPlans approvals;
  private final ReviewRules reviews;
  private final ReviewResolution resolution;

  public PolicyDecisions(PolicySet policy) {
    this.policy = policy;
    this.membership = new Membership(policy);
    this.requests = new RequestRules(membership);
    this.activation = new ActivationRules(policy, membership);
    this.approvals = new ApprovalPlans(policy);
    this.reviews = new ReviewRules(membership);
    this.resolution = new ReviewResolution(reviews);
  }

  public PolicySet policy() {
    return policy;
  }

  /** How {@code caller} is in {@code principals} on {@code now}'s UTC date, if at all. */
  public Optional<String> membership(Principals principals, Caller caller, Instant now) {
    return membership.membership(principals, caller, now);
  }

  /**
   * Which entry of {@code e}'s {@code eligible:} lets {@code caller} ask on {@code now}, as a path
   * such as {@code group:eng} or {@code set:vendor/user:vera}; empty when none does (a break-glass
   * request may still be allowed).
   */
  public Optional<String> eligibleVia(Entitlement e, Caller caller, Instant now) {
    return membership.entry(e.eligible(), caller, now);
  }

  /**
   * How someone is in a set of principals, and when that ends.
   *
   * @param how in words, as {@link #membership} says it
   * @param endsAt the end of the {@code until:} dates on the way (the start of the day after, UTC),
   *     or null when none bounds it
   */
  public record Eligibility(String how, Instant endsAt) {}

  /** When an {@code until:} date ends: the start of the next day, UTC (the date is inclusive). */
  public static Instant endOf(LocalDate until) {
    return until.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * How {@code caller} is in {@code principals} at {@code now} and until when: of the ways they are
   * in it, the one that lasts longest (a direct entry, or a set, each bounded by every {@code
   * until:} on its way). Empty when they are not in it.
   */
  public Optional<Eligibility> eligibility(Principals principals, Caller caller, Instant now) {
    return membership.eligibility(principals, caller, now);
  }

  /**
   * The principals that {@link #describeEach} put in words, read back (for reviewers recorded in a
   * request's plan at submission); anything else is ignored.
   */
  public static Principals fromDescriptions(List<String> described) {
    return Words.fromDescriptions(described);
  }

  /** {@code group a, group b, user x, set s} — the principals in words. */
  public static List<String> describeEach(Principals p) {
    return Words.describeEach(p);
  }

  /**
   * Whether {@code requester} may request {@code e} as {@code req} at {@code now}; every reason.
   */
  public Decision mayRequest(Entitlement e, Caller requester, RequestSpec req, Instant now) {
    return requests.mayRequest(e, requester, req, now);
  }

  /**
   * What the policy in force says when an approved grant falls due.
   *
   * @param detail why, with its code; null for a plain start
   */
  public record ActivationGate(Verdict verdict, Instant notAfter, Instant retryAt, Reason detail) {

    /**
     * A gate whose reason the caller words itself (not one of the policy's own): it carries the
     * code {@code activation-refused}, {@code activation-deferred} or {@code activation-started}.
     */
    public ActivationGate(Verdict verdict, Instant notAfter, Instant retryAt, String reason) {
      this(verdict, notAfter, retryAt, reason == null ? null : worded(verdict).reason(reason));
    }

    /** Start now, to end at {@code notAfter}, with nothing to say. */
    public static ActivationGate start(Instant notAfter) {
      return new ActivationGate(Verdict.START, notAfter, null, (Reason) null);
    }

    /** Why, in words; null for a plain start. */
    public String reason() {
      return detail == null ? null : detail.message();
    }

    private static ReasonCode worded(Verdict verdict) {
      return switch (verdict) {
        case START -> ReasonCode.ACTIVATION_STARTED;
        case DEFER -> ReasonCode.ACTIVATION_DEFERRED;
        case REFUSE -> ReasonCode.ACTIVATION_REFUSED;
      };
    }

    /** Start now; wait for the next activation window; or never start. */
    public enum Verdict {
      START,
      DEFER,
      REFUSE
    }
  }

  /**
   * Whether an approved grant may start at {@code now} with the policy in force: the entitlement
   * must still exist and the requester still be eligible (or, for break-glass, allowed to use it);
   * outside the entitlement's activation window it waits for the next opening (unless that is after
   * the eligibility ends); and it ends no later than the eligibility does.
   *
   * @param duration the duration approved
   * @return START with its {@code notAfter} (and a reason when the end was brought forward), DEFER
   *     with {@code retryAt}, or REFUSE, each with its reason
   */
  public ActivationGate atActivation(
      String entitlementId,
      Caller requester,
      boolean breakGlass,
      java.time.Duration duration,
      Instant now) {
    return activation.atActivation(entitlementId, requester, breakGlass, duration, now);
  }

  /**
   * Whether an active grant may run on to {@code extendTo} with the policy in force (an extension
   * renewed in place at its provider): the entitlement must still exist and the requester still be
   * eligible; it ends no later than the eligibility does. Activation windows do not apply.
   *
   * @return START with its {@code notAfter} (brought forward, with a reason, when the eligibility
   *     ends first) or REFUSE with its reason
   */
  public ActivationGate atExtension(
      String entitlementId, Caller requester, boolean breakGlass, Instant extendTo, Instant now) {
    return activation.atExtension(entitlementId, requester, breakGlass, extendTo, now);
  }

  /** The variables of request-scoped expressions. */
  public Map<String, Object> variables(
      Entitlement e, Caller requester, RequestSpec req, Instant now) {
    return Variables.of(e, requester, req, now);
  }

  /**
   * The auto-approval rule that approves this request, if any (break-glass never auto-approves).
   */
  public Optional<String> autoApproval(
      Entitlement e, Caller requester, RequestSpec req, Instant now) {
    return approvals.autoApproval(e, requester, req, now);
  }

  /** The approval plan for a request, in words. */
  public ApprovalPlan plan(Entitlement e, Caller requester, RequestSpec req, Instant now) {
    return approvals.plan(e, requester, req, now);
  }

  /** The human approval stages of {@code e} for a request by {@code requester}, in words. */
  public List<ApprovalPlan.PlanStage> stages(Entitlement e, Caller requester) {
    return approvals.stages(e, requester);
  }

  /**
   * Whether {@code reviewer} may review stage {@code stage} of a request by {@code requester} at
   * {@code now}. Evaluated at decision time: someone removed from a group can no longer review.
   */
  public Decision mayReview(
      Entitlement e, Stage stage, Caller reviewer, Caller requester, RequestSpec req, Instant now) {
    return reviews.mayReview(e, stage, reviewer, requester, req, now);
  }

  /**
   * Whether {@code reviewer} may review stage {@code stage}, escalated at {@code escalatedAt} (null
   * when it was not): from then on its fallback reviewers ({@code escalate.to}) may review it too,
   * under every other rule of a review (never the requester).
   */
  public Decision mayReview(
      Entitlement e,
      Stage stage,
      Instant escalatedAt,
      Caller reviewer,
      Caller requester,
      RequestSpec req,
      Instant now) {
    return reviews.mayReview(e, stage, escalatedAt, reviewer, requester, req, now);
  }

  /**
   * Resolves a request's reviews of one entitlement against its stages, in the order they were
   * made, with this (the policy in force): a review counts in the stage that was open when it was
   * made, if its reviewer may review that stage under this policy and as they were when they
   * reviewed; a person counts once per entitlement. A review that does not count says why (a policy
   * change that removed its reviewer shows here). Pure: the same inputs always give the same
   * outcome.
   */
  public Resolution resolve(
      Entitlement e, Caller requester, RequestSpec req, List<Review> reviews) {
    return resolution.resolve(e, requester, req, reviews);
  }

  /**
   * As {@link #resolve(Entitlement, Caller, RequestSpec, List)}, knowing which stages were
   * escalated and when (stage name to time): in an escalated stage the reviews its fallback
   * reviewers made from then on count too.
   */
  public Resolution resolve(
      Entitlement e,
      Caller requester,
      RequestSpec req,
      List<Review> reviews,
      Map<String, Instant> escalated) {
    return resolution.resolve(e, requester, req, reviews, escalated);
  }

  /**
   * The soonest a stage of the policy reminds or escalates ({@code remindAfter}, {@code
   * escalate.after}), or empty when no stage does.
   */
  public Optional<java.time.Duration> soonestStageDeadline() {
    return policy.entitlements().values().stream()
        .flatMap(e -> e.approval().stages().stream())
        .flatMap(
            s ->
                java.util.stream.Stream.of(
                    s.remindAfter(), s.escalation() == null ? null : s.escalation().after()))
        .filter(java.util.Objects::nonNull)
        .min(java.util.Comparator.naturalOrder());
  }

  /**
   * The whole decision for one entitlement of a request.
   *
   * @param details every reason, with its code and the request field it concerns
   */
  public record Outcome(
      String entitlement,
      boolean allowed,
      List<Reason> details,
      boolean breakGlass,
      ApprovalPlan plan) {

    public Outcome {
      details = List.copyOf(details);
    }

    /** Every reason, in words. */
    public List<String> reasons() {
      return Reason.messages(details);
    }
  }

  /** Decides every entitlement of a request; unknown entitlements are refused with a reason. */
  public List<Outcome> decide(Caller requester, RequestSpec req, Instant now) {
    return decide(requester, req, now, Map.of());
  }

  /**
   * Decides every entitlement of a request, with refusals that come from outside the policy, by
   * entitlement (the active suspensions, which the service layer reads and passes in): an
   * entitlement with any is refused, those reasons first, then the policy's own refusals if any.
   */
  public List<Outcome> decide(
      Caller requester, RequestSpec req, Instant now, Map<String, List<Reason>> refusals) {
    List<Outcome> out = new ArrayList<>();
    for (Outcome o : decideByPolicy(requester, req, now)) {
      List<Reason> outside = refusals.getOrDefault(o.entitlement(), List.of());
      if (outside.isEmpty()) {
        out.add(o);
        continue;
      }
      List<Reason> reasons = new ArrayList<>(outside);
      if (!o.allowed()) {
        reasons.addAll(o.details());
      }
      out.add(new Outcome(o.entitlement(), false, reasons, o.breakGlass(), null));
    }
    return out;
  }

  private List<Outcome> decideByPolicy(Caller requester, RequestSpec req, Instant now) {
    List<Outcome> out = new ArrayList<>();
    for (String id : req.entitlements()) {
      Optional<Entitlement> e = policy.entitlement(id);
      if (e.isEmpty()) {
        out.add(
            new Outcome(
                id,
                false,
                List.of(ReasonCode.UNKNOWN_ENTITLEMENT.reason("unknown entitlement '" + id + "'")),
                req.breakGlass(),
                null));
        continue;
      }
      Decision d = mayRequest(e.get(), requester, req, now);
      out.add(
          new Outcome(
              id,
              d.allowed(),
              d.details(),
              req.breakGlass(),
              d.allowed() && !req.breakGlass() ? plan(e.get(), requester, req, now) : null));
    }
    return out;
  }
}
