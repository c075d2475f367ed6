package io.portcullis.review.campaign;

import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.PrincipalSet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/** Who is assigned an item, and whether a caller is one of them. */
final class Assignment {

  private Assignment() {}

  /** The users (normalised) and groups of {@code p}, principal sets expanded. */
  static ReviewItem.Assignees of(PolicySet policy, Principals p) {
    Set<String> users = new TreeSet<>();
    Set<String> groups = new TreeSet<>();
    expand(policy, p, users, groups, new HashSet<>());
    return new ReviewItem.Assignees(users, groups);
  }

  private static void expand(
      PolicySet policy, Principals p, Set<String> users, Set<String> groups, Set<String> seen) {
    p.users().forEach(u -> users.add(Identities.normalize(u)));
    groups.addAll(p.groups());
    for (String s : p.sets()) {
      PrincipalSet set = policy.principalSets().get(s);
      if (set != null && seen.add(s)) {
        expand(policy, set.members(), users, groups, seen);
      }
    }
  }

  /** The caller's names as items store people: normalised subject and verified email. */
  static Set<String> names(Caller c) {
    Set<String> n = new TreeSet<>();
    n.add(Identities.normalize(c.subject()));
    if (c.verifiedEmail() != null) {
      n.add(Identities.normalize(c.verifiedEmail()));
    }
    return n;
  }

  /**
   * Whether {@code c} may decide {@code i} now: assigned it, or one of the campaign's fallback
   * reviewers (the backstop for every item), and independent of it.
   */
  static boolean mayDecide(ReviewItem i, Caller c) {
    Set<String> names = names(c);
    boolean assigned =
        i.assigneeUsers().stream().anyMatch(names::contains)
            || i.assigneeGroups().stream().anyMatch(c::inGroup)
            || i.fallbackUsers().stream().anyMatch(names::contains)
            || i.fallbackGroups().stream().anyMatch(c::inGroup);
    return assigned && !i.conflictsWith(names, c.groups());
  }
}
