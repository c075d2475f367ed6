package io.portcullis.catalog.decision;

import io.portcullis.identity.PersonKey;
import java.time.Instant;
import java.util.List;

/**
 * Where a set of reviews leaves a request for one entitlement.
 *
 * @param stage index of the stage being decided (or that decided it); equals the number of stages
 *     once approved
 * @param details per stage, what counted and what did not, each with its code
 * @param counted the reviewers whose reviews count in this entitlement (a person counts once per
 *     entitlement)
 * @param stageOpenedAt when the stage being decided opened: the time of the review that passed the
 *     stage before it; null for the first stage (it opened with the request)
 */
public record Resolution(
    State state, int stage, List<Reason> details, List<PersonKey> counted, Instant stageOpenedAt) {

  public Resolution {
    details = List.copyOf(details);
    counted = List.copyOf(counted);
  }

  public Resolution(State state, int stage, List<Reason> details, List<PersonKey> counted) {
    this(state, stage, details, counted, null);
  }

  public Resolution(State state, int stage, List<Reason> details) {
    this(state, stage, details, List.of(), null);
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
