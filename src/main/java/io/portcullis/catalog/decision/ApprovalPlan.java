package io.portcullis.catalog.decision;

import java.util.List;

/**
 * Who must approve, stage by stage, in words a person can check.
 *
 * @param autoApprovedBy the auto-approval rule that applies, or null
 * @param stages empty when auto-approved or break-glass
 */
public record ApprovalPlan(String autoApprovedBy, List<PlanStage> stages) {

  public ApprovalPlan {
    stages = List.copyOf(stages);
  }

  /**
   * One stage.
   *
   * @param reviewers who may review, e.g. {@code group payments-owners}, {@code user demo:bob}
   * @param notes rules that narrow the reviewers (never the requester, separation of duties,
   *     filters, step-up)
   */
  public record PlanStage(
      String name, int approvals, int denials, List<String> reviewers, List<String> notes) {
    public PlanStage {
      reviewers = List.copyOf(reviewers);
      notes = List.copyOf(notes);
    }
  }
}
