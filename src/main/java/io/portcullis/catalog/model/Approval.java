package io.portcullis.catalog.model;

import java.time.Duration;
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
 * @param stepUpMaxAge with step-up, the reviewer's sign-in ({@code auth_time}) must be at most this
 *     old when they review; null without step-up
 */
public record Approval(
    List<AutoApproval> autoApprove,
    List<Stage> stages,
    Set<String> excludeSharedGroups,
    boolean commentRequired,
    Set<String> stepUpAcr,
    Set<String> stepUpAmr,
    Duration stepUpMaxAge) {

  /** How recent a step-up sign-in must be when the policy does not say. */
  public static final Duration DEFAULT_STEP_UP_MAX_AGE = Duration.ofMinutes(15);

  public Approval {
    autoApprove = List.copyOf(autoApprove);
    stages = List.copyOf(stages);
    excludeSharedGroups = Set.copyOf(excludeSharedGroups);
    stepUpAcr = Set.copyOf(stepUpAcr);
    stepUpAmr = Set.copyOf(stepUpAmr);
    if (stepUpMaxAge == null && (!stepUpAcr.isEmpty() || !stepUpAmr.isEmpty())) {
      stepUpMaxAge = DEFAULT_STEP_UP_MAX_AGE;
    }
  }

  /** Whether reviewers must have signed in strongly (and recently). */
  public boolean stepUp() {
    return stepUpMaxAge != null;
  }

  public static final Approval NONE =
      new Approval(List.of(), List.of(), Set.of(), false, Set.of(), Set.of(), null);

  /** Approvals needed in total across stages. */
  public int totalApprovals() {
    return stages.stream().mapToInt(Stage::approvals).sum();
  }
}
