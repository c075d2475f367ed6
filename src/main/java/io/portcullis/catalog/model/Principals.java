package io.portcullis.catalog.model;

import java.time.LocalDate;
import java.util.Set;

/**
 * A set of people: users (IdP subject or email), groups (from the groups claim) and named principal
 * sets, optionally only until a date (inclusive, in the policy's time zone UTC).
 */
public record Principals(Set<String> users, Set<String> groups, Set<String> sets, LocalDate until) {

  public static final Principals NOBODY = new Principals(Set.of(), Set.of(), Set.of(), null);

  public Principals {
    users = Set.copyOf(users);
    groups = Set.copyOf(groups);
    sets = Set.copyOf(sets);
  }

  public boolean isEmpty() {
    return users.isEmpty() && groups.isEmpty() && sets.isEmpty();
  }
}
