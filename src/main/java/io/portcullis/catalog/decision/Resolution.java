package io.portcullis.catalog.decision;

import java.util.List;

/**
 * Where a set of reviews leaves a request.
 *
 * @param stage index of the stage being decided (or that decided it); equals the number of stages
 *     once approved
 * @param reasons per stage, what counted and what did not
 */
public record Resolution(State state, int stage, List<String> reasons) {

  public Resolution {
    reasons = List.copyOf(reasons);
  }

  /** The outcome. */
  public enum State {
    PENDING,
    APPROVED,
    DENIED
  }
}
