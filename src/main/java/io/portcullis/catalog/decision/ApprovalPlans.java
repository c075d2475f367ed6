package io.portcullis.catalog.decision;

import io.portcullis.catalog.cel.CompiledCel;
import io.portcullis.catalog.model.AutoApproval;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.GroupPatterns;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.PrincipalSet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.Stage;
import io.portcullis.identity.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Who must approve a request, stage by stage, or which auto-approval rule approves it. */
final class ApprovalPlans {

  private final PolicySet policy;

  ApprovalPlans(PolicySet policy) {
    this.policy = policy;
  }

  /**
   * The auto-approval rule that approves this request, if any (break-glass never auto-approves).
   */
  Optional<String> autoApproval(Entitlement e, Caller requester, RequestSpec req, Instant now) {
    if (req.breakGlass()) {
      return Optional.empty();
    }
    Map<String, Object> vars = Variables.of(e, requester, req, now);
    for (AutoApproval rule : e.approval().autoApprove()) {
      try {
        if (rule.when().compiled().evaluate(vars)) {
          return Optional.of(rule.name());
        }
      } catch (CompiledCel.EvaluationFailed ex) {
        // a rule that cannot be evaluated does not approve: fail closed
      }
    }
    return Optional.empty();
  }

  /** The approval plan for a request, in words. */
  ApprovalPlan plan(Entitlement e, Caller requester, RequestSpec req, Instant now) {
    Optional<String> auto = autoApproval(e, requester, req, now);
    if (auto.isPresent()) {
      return new ApprovalPlan(auto.get(), List.of());
    }
    return new ApprovalPlan(null, stages(e, requester));
  }

  /** The human approval stages of {@code e} for a request by {@code requester}, in words. */
  List<ApprovalPlan.PlanStage> stages(Entitlement e, Caller requester) {
    List<ApprovalPlan.PlanStage> stages = new ArrayList<>();
    for (Stage s : e.approval().stages()) {
      List<String> notes = new ArrayList<>();
      notes.add("never the requester, " + Words.who(requester));
      notes.add("a reviewer counts once per request");
      if (!e.approval().excludeSharedGroups().isEmpty()) {
        notes.add(
            "not someone who shares a group "
                + String.join(", ", new TreeSet<>(e.approval().excludeSharedGroups()))
                + " with the requester");
      }
      unknownReviewers(s).ifPresent(notes::add);
      if (s.reviewerFilter() != null) {
        notes.add("only reviewers for whom " + s.reviewerFilter().source().strip() + " holds");
      }
      if (!e.approval().stepUpAcr().isEmpty()) {
        notes.add(
            "reviewers must sign in with acr "
                + String.join(" or ", new TreeSet<>(e.approval().stepUpAcr())));
      }
      if (!e.approval().stepUpAmr().isEmpty()) {
        notes.add(
            "reviewers must sign in with amr "
                + String.join(" and ", new TreeSet<>(e.approval().stepUpAmr())));
      }
      if (e.approval().stepUp()) {
        notes.add("reviewers must have signed in within the last " + e.approval().stepUpMaxAge());
      }
      if (e.approvalWindow() != null) {
        notes.add("reviews count only " + e.approvalWindow().describe());
      }
      if (e.approval().commentRequired()) {
        notes.add("every review needs a comment");
      }
      if (s.remindAfter() != null) {
        notes.add("its reviewers are reminded once when it has waited " + s.remindAfter());
      }
      if (s.escalation() != null) {
        notes.add(
            "when it has waited "
                + s.escalation().after()
                + " it escalates: then "
                + Words.describe(s.escalation().to())
                + " may decide it too (never the requester)");
      }
      stages.add(
          new ApprovalPlan.PlanStage(
              s.name(), s.approvals(), s.denials(), Words.describeEach(s.reviewers()), notes));
    }
    return stages;
  }

  /**
   * "No known reviewer for stage X" when the stage's reviewers come only from groups that the
   * policy does not declare in {@code knownGroups} (so nobody can tell whether anyone carries
   * them); empty when it names users, or the groups are declared.
   */
  Optional<String> unknownReviewers(Stage s) {
    Set<String> groups = new TreeSet<>();
    if (!collectGroupsOnly(s.reviewers(), groups, new java.util.HashSet<>())) {
      return Optional.empty();
    }
    Set<String> unknown = new TreeSet<>();
    for (String g : groups) {
      if (!GroupPatterns.anyMatches(policy.knownGroups(), g)) {
        unknown.add(g);
      }
    }
    if (unknown.isEmpty() || unknown.size() < groups.size()) {
      return Optional.empty();
    }
    return Optional.of(
        "no known reviewer for stage "
            + s.name()
            + ": its reviewers come only from groups ("
            + String.join(", ", unknown)
            + ") that the policy does not declare in knownGroups, so nobody can tell whether"
            + " anyone carries them");
  }

  /** Collects a principals' groups, through sets; false when it also names users. */
  private boolean collectGroupsOnly(
      Principals p, Set<String> groups, java.util.Set<String> seenSets) {
    if (!p.users().isEmpty()) {
      return false;
    }
    groups.addAll(p.groups());
    for (String name : p.sets()) {
      PrincipalSet set = policy.principalSets().get(name);
      if (set != null
          && seenSets.add(name)
          && !collectGroupsOnly(set.members(), groups, seenSets)) {
        return false;
      }
    }
    return true;
  }
}
