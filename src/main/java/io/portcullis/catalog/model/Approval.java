package io.portcullis.catalog.model;

import java.util.List;
import java.util.Set;

/**
 * How a request is approved.
 *
 * @param autoApprove rules tried in order; the first that holds approves the request
 * @param stages ordered stages, each N-of-M; empty means nobody can approve (only auto-approval)
 * @param excludeSharedGroups a reviewer sharing any of these groups with the requester may not
 *     review (separation of duties beyond "never the requester")
 * @param commentRequired whether a review must carry a comment
 * @param stepUpAcr when non-empty, a reviewer's token must carry one of these {@code acr} values
 * @param stepUpAmr when non-empty, a reviewer's token must carry all of these {@code amr} values
 */
public record Approval(
    List<AutoApproval> autoApprove,
    List<Stage> stages,
    Set<String> excludeSharedGroups,
    boolean commentRequired,
    Set<String> stepUpAcr,
    Set<String> stepUpAmr) {

  public Approval {
    autoApprove = List.copyOf(autoApprove);
    stages = List.copyOf(stages);
    excludeSharedGroups = Set.copyOf(excludeSharedGroups);
    stepUpAcr = Set.copyOf(stepUpAcr);
    stepUpAmr = Set.copyOf(stepUpAmr);
  }

  public static final Approval NONE =
      new Approval(List.of(), List.of(), Set.of(), false, Set.of(), Set.of());

  /** Approvals needed in total across stages. */
  public int totalApprovals() {
    return stages.stream().mapToInt(Stage::approvals).sum();
  }
}
