package io.portcullis.catalog.decision;

import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Stage;
import io.portcullis.identity.Caller;
import io.portcullis.identity.PersonKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Where a request's reviews of one entitlement leave it, stage by stage. */
final class ReviewResolution {

  private final ReviewRules rules;

  ReviewResolution(ReviewRules rules) {
    this.rules = rules;
  }

  /**
   * Resolves a request's reviews of one entitlement against its stages, in the order they were
   * made, with this (the policy in force): a review counts in the stage that was open when it was
   * made, if its reviewer may review that stage under this policy and as they were when they
   * reviewed; a person counts once per entitlement. A review that does not count says why (a policy
   * change that removed its reviewer shows here). Pure: the same inputs always give the same
   * outcome.
   */
  Resolution resolve(Entitlement e, Caller requester, RequestSpec req, List<Review> reviews) {
    return resolve(e, requester, req, reviews, Map.of());
  }

  /**
   * As {@link #resolve(Entitlement, Caller, RequestSpec, List)}, with the stages that were
   * escalated and when ({@code escalated}: stage name to time): in an escalated stage, a review
   * made at or after its escalation by one of the stage's fallback reviewers ({@code escalate.to})
   * counts like one of its own reviewers'.
   */
  Resolution resolve(
      Entitlement e,
      Caller requester,
      RequestSpec req,
      List<Review> reviews,
      Map<String, Instant> escalated) {
    List<Stage> stages = e.approval().stages();
    List<Reason> reasons = new ArrayList<>();
    List<Review> ordered = new ArrayList<>(reviews);
    ordered.sort(Comparator.comparing(Review::at));
    List<PersonKey> counted = new ArrayList<>();
    int k = 0;
    List<String> approvers = new ArrayList<>();
    int denials = 0;
    Instant openedAt = null;
    for (Review r : ordered) {
      if (k >= stages.size()) {
        break;
      }
      Stage stage = stages.get(k);
      PersonKey key = PersonKey.of(r.reviewer());
      if (counted.stream().anyMatch(key::samePerson)) {
        reasons.add(
            ReasonCode.REVIEW_COUNTED_ONCE.reason(
                Words.who(r.reviewer())
                    + "'s review already counts for "
                    + e.id()
                    + "; a reviewer counts once per entitlement"));
        continue;
      }
      if (e.approval().commentRequired() && (r.comment() == null || r.comment().isBlank())) {
        reasons.add(
            ReasonCode.COMMENT_REQUIRED.reason(
                Words.who(r.reviewer()) + "'s review does not count: a comment is required"));
        continue;
      }
      Decision may =
          rules.mayReview(
              e, stage, escalated.get(stage.name()), r.reviewer(), requester, req, r.at());
      if (!may.allowed()) {
        reasons.add(
            ReasonCode.REVIEW_NOT_COUNTED.reason(
                Words.who(r.reviewer())
                    + "'s "
                    + (r.verdict() == Review.Verdict.DENY ? "denial" : "approval")
                    + " does not count: "
                    + String.join("; ", may.reasons())));
        continue;
      }
      counted.add(key);
      if (r.verdict() == Review.Verdict.DENY) {
        denials++;
        if (denials >= stage.denials()) {
          reasons.add(
              ReasonCode.STAGE_DENIED.reason(
                  "stage " + stage.name() + " denied by " + Words.who(r.reviewer())));
          return new Resolution(Resolution.State.DENIED, k, reasons, counted, openedAt);
        }
        reasons.add(
            ReasonCode.DENIAL_COUNTED.reason(
                Words.who(r.reviewer())
                    + " denied ("
                    + denials
                    + " of "
                    + stage.denials()
                    + " denials end the request)"));
        continue;
      }
      approvers.add(Words.who(r.reviewer()));
      if (approvers.size() >= stage.approvals()) {
        reasons.add(
            ReasonCode.STAGE_APPROVED.reason(
                "stage " + stage.name() + " approved by " + String.join(", ", approvers)));
        k++;
        approvers = new ArrayList<>();
        denials = 0;
        openedAt = r.at();
      }
    }
    if (k >= stages.size()) {
      return new Resolution(
          stages.isEmpty() ? Resolution.State.PENDING : Resolution.State.APPROVED,
          k,
          reasons,
          counted,
          openedAt);
    }
    Stage current = stages.get(k);
    reasons.add(
        ReasonCode.STAGE_PENDING.reason(
            "stage "
                + current.name()
                + " needs "
                + current.approvals()
                + " of "
                + Words.describe(current.reviewers())
                + (current.escalation() != null && escalated.containsKey(current.name())
                    ? " or, since its escalation at "
                        + escalated.get(current.name())
                        + ", of "
                        + Words.describe(current.escalation().to())
                    : "")
                + (approvers.isEmpty()
                    ? "; no approvals yet"
                    : "; approved so far by " + String.join(", ", approvers))));
    return new Resolution(Resolution.State.PENDING, k, reasons, counted, openedAt);
  }
}
