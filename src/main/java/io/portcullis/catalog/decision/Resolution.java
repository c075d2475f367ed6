package io.portcullis.catalog.decision;

import io.portcullis.identity.PersonKey;
import java.util.List;

/**
 * Where a set of reviews leaves a request for one entitlement.
 *
 * @param stage index of the stage being decided (or that decided it); equals the number of stages
 *     once approved
 * @param reasons per stage, what counted and what did not
 * @param counted the reviewers whose reviews count in this entitlement (a person counts once per
 *     entitlement)
 */
public record Resolution(State state, int stage, List<String> reasons, List<PersonKey> counted) {

  public Resolution {
    reasons = List.copyOf(reasons);
    counted = List.copyOf(counted);
  }

  public Resolution(State state, int stage, List<String> reasons) {
    this(state, stage, reasons, List.of());
  }

  /** Whether a review by this person already counts in this entitlement. */
  public boolean counts(PersonKey person) {
    return counted.stream().anyMatch(person::samePerson);
  }

  /** The outcome. */
  public enum State {
    PENDING,
    APPROVED,
    DENIED
  }
}
