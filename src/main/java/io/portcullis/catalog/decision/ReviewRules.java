package io.portcullis.catalog.decision;

import io.portcullis.catalog.cel.CelValues;
import io.portcullis.catalog.cel.CompiledCel;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.GroupPatterns;
import io.portcullis.catalog.model.Stage;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Whether someone may review a stage of a request: every rule of it, and every reason. */
final class ReviewRules {

  private final Membership membership;

  ReviewRules(Membership membership) {
    this.membership = membership;
  }

  /**
   * Whether {@code reviewer} may review stage {@code stage} of a request by {@code requester} at
   * {@code now}. Evaluated at decision time: someone removed from a group can no longer review.
   */
  Decision mayReview(
      Entitlement e, Stage stage, Caller reviewer, Caller requester, RequestSpec req, Instant now) {
    return mayReview(e, stage, null, reviewer, requester, req, now);
  }

  /**
   * As above, for a stage that may have been escalated: from {@code escalatedAt} on (null when it
   * was not), the stage's fallback reviewers ({@code escalate.to}) may review it too. Every other
   * rule holds for them as for its own reviewers: never the requester, separation of duties,
   * step-up, the approval window. The stage's reviewer rule ({@code reviewers.when}) narrows its
   * own reviewers; the fallback reviewers are named for the case where those did not decide.
   */
  Decision mayReview(
      Entitlement e,
      Stage stage,
      Instant escalatedAt,
      Caller reviewer,
      Caller requester,
      RequestSpec req,
      Instant now) {
    if (Identities.samePerson(reviewer, requester)) {
      return Decision.deny(
          List.of(
              ReasonCode.REVIEWER_IS_REQUESTER.reason(
                  Words.who(reviewer) + " may not review: they are the requester")));
    }
    List<Reason> no = new ArrayList<>();
    Optional<String> member = membership.membership(stage.reviewers(), reviewer, now);
    boolean fallback = false;
    if (member.isEmpty() && stage.escalation() != null) {
      Optional<String> via = membership.membership(stage.escalation().to(), reviewer, now);
      if (via.isPresent() && escalatedAt != null && !now.isBefore(escalatedAt)) {
        member =
            via.map(m -> m + " (a fallback reviewer: the stage escalated at " + escalatedAt + ")");
        fallback = true;
      } else if (via.isPresent()) {
        no.add(
            ReasonCode.REVIEWER_NOT_ELIGIBLE.reason(
                Words.who(reviewer)
                    + " may not review stage "
                    + stage.name()
                    + " yet: they are one of its fallback reviewers, who may review it only once it"
                    + " is escalated (after it waited "
                    + stage.escalation().after()
                    + ")"));
      }
    }
    if (member.isEmpty() && no.isEmpty()) {
      no.add(
          ReasonCode.REVIEWER_NOT_ELIGIBLE.reason(
              Words.who(reviewer)
                  + " may not review stage "
                  + stage.name()
                  + ": "
                  + membership.whyNot(stage.reviewers(), reviewer, now)));
    }
    Set<String> shared = sharedExcludedGroups(e, reviewer, requester);
    if (!shared.isEmpty()) {
      no.add(
          ReasonCode.REVIEWER_SHARES_GROUP.reason(
              Words.who(reviewer)
                  + " may not review: shares "
                  + String.join(", ", shared)
                  + " with the requester (separation of duties)"));
    }
    if (stage.reviewerFilter() != null && member.isPresent() && !fallback) {
      reviewerRule(e, stage, reviewer, requester, req, now).ifPresent(no::add);
    }
    stepUp(e, reviewer, now, no);
    if (e.approvalWindow() != null && !e.approvalWindow().contains(now)) {
      no.add(
          ReasonCode.OUTSIDE_APPROVAL_WINDOW.reason(
              "reviews of " + e.id() + " count only " + e.approvalWindow().describe()));
    }
    if (!no.isEmpty()) {
      Words.unverifiedEmailNote(reviewer)
          .map(ReasonCode.EMAIL_UNVERIFIED::reason)
          .ifPresent(no::add);
      return Decision.deny(no);
    }
    return Decision.allow(
        List.of(
            ReasonCode.MAY_REVIEW.reason(
                Words.who(reviewer) + " may review stage " + stage.name() + ": " + member.get())));
  }

  /** Why the stage's reviewer rule refuses {@code reviewer} (fail closed); empty when it holds. */
  private static Optional<Reason> reviewerRule(
      Entitlement e, Stage stage, Caller reviewer, Caller requester, RequestSpec req, Instant now) {
    Map<String, Object> vars = Variables.of(e, requester, req, now);
    vars.put("reviewer", CelValues.person(reviewer));
    try {
      if (stage.reviewerFilter().compiled().evaluate(vars)) {
        return Optional.empty();
      }
      return Optional.of(
          ReasonCode.REVIEWER_RULE_FAILED.reason(
              Words.who(reviewer)
                  + " may not review stage "
                  + stage.name()
                  + ": the reviewer rule "
                  + stage.reviewerFilter().source().strip()
                  + " does not hold"));
    } catch (CompiledCel.EvaluationFailed ex) {
      return Optional.of(
          ReasonCode.REVIEWER_RULE_ERROR.reason(
              "the reviewer rule at "
                  + stage.reviewerFilter().location()
                  + " could not be evaluated ("
                  + ex.getMessage()
                  + ")"));
    }
  }

  /** Step-up: the sign-in's acr, its amr methods, and (with {@code maxAge}) its age. */
  private static void stepUp(Entitlement e, Caller reviewer, Instant now, List<Reason> no) {
    String acr = reviewer.authentication().acr();
    if (!e.approval().stepUpAcr().isEmpty()
        && (acr == null || !e.approval().stepUpAcr().contains(acr))) {
      no.add(
          ReasonCode.STEP_UP_ACR.reason(
              "reviewing "
                  + e.id()
                  + " needs a stronger sign-in: acr "
                  + String.join(" or ", new TreeSet<>(e.approval().stepUpAcr()))
                  + " (this sign-in has "
                  + (acr == null ? "none" : acr)
                  + ")"));
    }
    Set<String> missingAmr = new TreeSet<>(e.approval().stepUpAmr());
    missingAmr.removeAll(reviewer.authentication().amr());
    if (!missingAmr.isEmpty()) {
      no.add(
          ReasonCode.STEP_UP_AMR.reason(
              "reviewing "
                  + e.id()
                  + " needs sign-in methods (amr) "
                  + String.join(", ", missingAmr)
                  + " that this sign-in lacks"));
    }
    if (e.approval().stepUp()) {
      stepUpTooOld(e, reviewer, now).ifPresent(no::add);
    }
  }

  /**
   * The groups that reviewer and requester both carry and that {@code
   * separation.excludeSharedGroups} names or matches (entries may be patterns such as {@code
   * team-*}: sharing any one group that matches excludes the reviewer).
   */
  static Set<String> sharedExcludedGroups(Entitlement e, Caller reviewer, Caller requester) {
    Set<String> shared = new TreeSet<>();
    if (e.approval().excludeSharedGroups().isEmpty()) {
      return shared;
    }
    for (String g : reviewer.groups()) {
      if (requester.groups().contains(g)
          && GroupPatterns.anyMatches(e.approval().excludeSharedGroups(), g)) {
        shared.add(g);
      }
    }
    return shared;
  }

  /**
   * Why a step-up sign-in is too old (or of unknown age) for reviewing {@code e} at {@code now};
   * the reviewer must sign in again. Empty when it is recent enough.
   */
  private static Optional<Reason> stepUpTooOld(Entitlement e, Caller reviewer, Instant now) {
    java.time.Duration maxAge = e.approval().stepUpMaxAge();
    Instant at = reviewer.authentication().authTime();
    if (at == null) {
      return Optional.of(
          ReasonCode.SIGN_IN_AGE_UNKNOWN.reason(
              "reviewing "
                  + e.id()
                  + " needs a recent sign-in (within "
                  + maxAge
                  + "), but this sign-in does not say when it happened (no auth_time): sign in"
                  + " again"));
    }
    if (at.plus(maxAge).isBefore(now)) {
      return Optional.of(
          ReasonCode.SIGN_IN_TOO_OLD.reason(
              "reviewing "
                  + e.id()
                  + " needs a sign-in within the last "
                  + maxAge
                  + "; this one was at "
                  + at
                  + ": sign in again"));
    }
    return Optional.empty();
  }
}
