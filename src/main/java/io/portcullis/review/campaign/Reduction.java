package io.portcullis.review.campaign;

import java.time.Duration;

/**
 * How a REDUCE narrows an entitlement: a shorter maximum duration, an added approval stage, or both
 * (at least one); with what the entitlement allowed when it was decided, so that the policy version
 * that narrows it can be recognised.
 *
 * @param maxDuration the new maximum duration, or null
 * @param addStage whether to add an approval stage
 * @param maxBefore the entitlement's maximum duration when decided
 * @param stagesBefore how many approval stages it had when decided
 */
public record Reduction(
    Duration maxDuration, boolean addStage, Duration maxBefore, int stagesBefore) {

  public Reduction {
    if (maxDuration == null && !addStage) {
      throw new IllegalArgumentException("a reduction shortens the duration or adds a stage");
    }
    if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
      throw new IllegalArgumentException("a maximum duration is positive");
    }
  }
}
