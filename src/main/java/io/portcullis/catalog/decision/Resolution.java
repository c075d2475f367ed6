package io.portcullis.catalog.decision;

import io.portcullis.identity.PersonKey;
import java.util.List;

/**
 * Where a set of reviews leaves a request for one entitlement.
 *
 * @param stage index of the stage being decided (or that decided it); equals the number of stages
 *     once approved
 * @param details per stage, what counted and what did not, each with its code
 * @param counted the reviewers whose reviews count in this entitlement (a person counts once per
 *     entitlement)
 */
public record Resolution(State state, int stage, List<Reason> details, List<PersonKey> counted) {

  public Resolution {
    details = List.copyOf(details);
    counted = List.copyOf(counted);
  }

  public Resolution(State state, int stage, List<Reason> details) {
    this(state, stage, details, List.of());
  }

  /** Per stage, what counted and what did not, in words. */
  public List<String> reasons() {
    return Reason.messages(details);
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
