package io.portcullis.review.snapshot;

import java.util.List;
import java.util.Map;

/**
 * What the snapshot knows about one eligibility entry that names people (a user or a group, reached
 * directly or through principal sets): the entry, each person's use of the entitlement through it,
 * and who approved those uses.
 *
 * @param uses one {@link Usage} per person who asked through this entry, in the order they first
 *     elevated
 * @param approvers how many of the entry's grants in the period each person approved
 */
public record EntryFacts(EligibilityEntry entry, List<Usage> uses, Map<String, Integer> approvers) {

  public EntryFacts {
    uses = List.copyOf(uses);
    approvers = Map.copyOf(approvers);
  }

  /** The entry's key without the entitlement: the form {@code eligibleVia} uses. */
  public String path() {
    return pathOf(entry);
  }

  static String pathOf(EligibilityEntry e) {
    return e.key().substring(e.entitlement().length() + 1);
  }
}
