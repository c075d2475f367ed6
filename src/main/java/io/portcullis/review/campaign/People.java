package io.portcullis.review.campaign;

import io.portcullis.catalog.model.Principals;
import java.util.List;
import java.util.TreeSet;

/**
 * Reviewers as an item records them at launch: the users, groups and principal sets the policy
 * named (sorted; principal sets are expanded with the policy in force when assigning).
 */
public record People(List<String> users, List<String> groups, List<String> sets) {

  public People {
    users = List.copyOf(users);
    groups = List.copyOf(groups);
    sets = List.copyOf(sets);
  }

  static People of(Principals p) {
    if (p == null) {
      return null;
    }
    return new People(
        List.copyOf(new TreeSet<>(p.users())),
        List.copyOf(new TreeSet<>(p.groups())),
        List.copyOf(new TreeSet<>(p.sets())));
  }

  Principals principals() {
    return new Principals(
        java.util.Set.copyOf(users),
        java.util.Set.copyOf(groups),
        java.util.Set.copyOf(sets),
        null);
  }
}
