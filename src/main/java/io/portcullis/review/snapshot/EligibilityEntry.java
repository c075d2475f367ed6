package io.portcullis.review.snapshot;

import java.time.LocalDate;
import java.util.List;

/**
 * One policy entry that makes people eligible for an entitlement, as the policy version in force
 * says.
 *
 * @param kind {@code user}, {@code group} or {@code set}
 * @param name the user (subject or email), group or principal set named
 * @param via the principal sets the entry is reached through, outermost first (empty for an entry
 *     written in the entitlement's own {@code eligible:})
 * @param until the last day it counts (the earliest {@code until:} on its way), or null
 * @param at where it is written, {@code file:line:column}
 */
public record EligibilityEntry(
    String entitlement, String kind, String name, List<String> via, LocalDate until, String at) {

  public EligibilityEntry {
    via = List.copyOf(via);
  }

  /** A stable key: entitlement, path and entry. */
  public String key() {
    StringBuilder k = new StringBuilder(entitlement);
    via.forEach(s -> k.append("/set:").append(s));
    return k.append('/').append(kind).append(':').append(name).toString();
  }
}
