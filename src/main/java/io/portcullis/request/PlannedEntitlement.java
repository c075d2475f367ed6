package io.portcullis.request;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.portcullis.catalog.decision.ApprovalPlan;
import java.util.List;

/**
 * One entitlement of a request as policy planned it at submission: stored with the request (as
 * JSON), shown to reviewers, never changed.
 *
 * @param autoApprovedBy the auto-approval rule that applied, or null
 * @param stages who must approve, in order; empty when auto-approved or break-glass
 * @param reasons what policy said when it allowed the request
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlannedEntitlement(
    String entitlement, String autoApprovedBy, List<Stage> stages, List<String> reasons) {

  public PlannedEntitlement {
    stages = stages == null ? List.of() : List.copyOf(stages);
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
  }

  /**
   * One stage as planned.
   *
   * @param reviewers who may review, as described by policy ({@code group payments-owners}, …)
   * @param notes the rules that narrow the reviewers
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Stage(
      String name, int approvals, int denials, List<String> reviewers, List<String> notes) {
    public Stage {
      reviewers = reviewers == null ? List.of() : List.copyOf(reviewers);
      notes = notes == null ? List.of() : List.copyOf(notes);
    }

    static Stage of(ApprovalPlan.PlanStage s) {
      return new Stage(s.name(), s.approvals(), s.denials(), s.reviewers(), s.notes());
    }
  }

  /** The plan policy made for one entitlement. */
  static PlannedEntitlement of(String entitlement, ApprovalPlan plan, List<String> reasons) {
    return new PlannedEntitlement(
        entitlement,
        plan == null ? null : plan.autoApprovedBy(),
        plan == null ? List.of() : plan.stages().stream().map(Stage::of).toList(),
        reasons);
  }

  /** Whether an auto-approval rule approved this entitlement. */
  public boolean autoApproved() {
    return autoApprovedBy != null;
  }

  /** Who the first stage names, or nobody. */
  public List<String> firstReviewers() {
    return stages.isEmpty() ? List.of() : stages.get(0).reviewers();
  }
}
