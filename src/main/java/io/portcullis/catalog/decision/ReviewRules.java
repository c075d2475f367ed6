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
    List<String> no = new ArrayList<>();
    if (Identities.samePerson(reviewer, requester)) {
      return Decision.deny(
          List.of(Words.who(reviewer) + " may not review: they are the requester"));
    }
    Optional<String> member = membership.membership(stage.reviewers(), reviewer, now);
    if (member.isEmpty()) {
      no.add(
          Words.who(reviewer)
              + " may not review stage "
              + stage.name()
              + ": "
              + membership.whyNot(stage.reviewers(), reviewer, now));
    }
    Set<String> shared = sharedExcludedGroups(e, reviewer, requester);
    if (!shared.isEmpty()) {
      no.add(
          Words.who(reviewer)
              + " may not review: shares "
              + String.join(", ", shared)
              + " with the requester (separation of duties)");
    }
    if (stage.reviewerFilter() != null && member.isPresent()) {
      Map<String, Object> vars = Variables.of(e, requester, req, now);
      vars.put("reviewer", CelValues.person(reviewer));
      try {
        if (!stage.reviewerFilter().compiled().evaluate(vars)) {
          no.add(
              Words.who(reviewer)
                  + " may not review stage "
                  + stage.name()
                  + ": the reviewer rule "
                  + stage.reviewerFilter().source().strip()
                  + " does not hold");
        }
      } catch (CompiledCel.EvaluationFailed ex) {
        no.add(
            "the reviewer rule at "
                + stage.reviewerFilter().location()
                + " could not be evaluated ("
                + ex.getMessage()
                + ")");
      }
    }
    String acr = reviewer.authentication().acr();
    if (!e.approval().stepUpAcr().isEmpty()
        && (acr == null || !e.approval().stepUpAcr().contains(acr))) {
      no.add(
          "reviewing "
              + e.id()
              + " needs a stronger sign-in: acr "
              + String.join(" or ", new TreeSet<>(e.approval().stepUpAcr()))
              + " (this sign-in has "
              + (acr == null ? "none" : acr)
              + ")");
    }
    Set<String> missingAmr = new TreeSet<>(e.approval().stepUpAmr());
    missingAmr.removeAll(reviewer.authentication().amr());
    if (!missingAmr.isEmpty()) {
      no.add(
          "reviewing "
              + e.id()
              + " needs sign-in methods (amr) "
              + String.join(", ", missingAmr)
              + " that this sign-in lacks");
    }
    if (e.approval().stepUp()) {
      stepUpTooOld(e, reviewer, now).ifPresent(no::add);
    }
    if (e.approvalWindow() != null && !e.approvalWindow().contains(now)) {
      no.add("reviews of " + e.id() + " count only " + e.approvalWindow().describe());
    }
    if (!no.isEmpty()) {
      Words.unverifiedEmailNote(reviewer).ifPresent(no::add);
      return Decision.deny(no);
    }
    return Decision.allow(
        List.of(Words.who(reviewer) + " may review stage " + stage.name() + ": " + member.get()));
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
  private static Optional<String> stepUpTooOld(Entitlement e, Caller reviewer, Instant now) {
    java.time.Duration maxAge = e.approval().stepUpMaxAge();
    Instant at = reviewer.authentication().authTime();
    if (at == null) {
      return Optional.of(
          "reviewing "
              + e.id()
              + " needs a recent sign-in (within "
              + maxAge
              + "), but this sign-in does not say when it happened (no auth_time): sign in again");
    }
    if (at.plus(maxAge).isBefore(now)) {
      return Optional.of(
          "reviewing "
              + e.id()
              + " needs a sign-in within the last "
              + maxAge
              + "; this one was at "
              + at
              + ": sign in again");
    }
    return Optional.empty();
  }
}
