package io.portcullis.catalog.suspension;

import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.PrincipalSet;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everyone a principal set names, for the kill switch and suspensions: its users and groups and
 * those of every set nested in it, <em>ignoring</em> {@code until:} dates. A vendor's exit often
 * happens after its contract (and so its eligibility) ended, and it must still reach everyone the
 * set names. Pure: a function of the policy alone.
 *
 * @param users policy {@code users:} entries (subjects or emails), as written
 * @param groups group names
 */
public record SetMembers(Set<String> users, Set<String> groups) {

  public static final SetMembers NONE = new SetMembers(Set.of(), Set.of());

  public SetMembers {
    users = Set.copyOf(new TreeSet<>(users));
    groups = Set.copyOf(new TreeSet<>(groups));
  }

  /**
   * The members of set {@code name} in {@code policy}, nested sets followed (each once, so a cycle
   * cannot loop); empty when the policy has no such set.
   */
  public static Optional<SetMembers> of(PolicySet policy, String name) {
    if (name == null || !policy.principalSets().containsKey(name)) {
      return Optional.empty();
    }
    Set<String> users = new TreeSet<>();
    Set<String> groups = new TreeSet<>();
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(name));
    while (!todo.isEmpty()) {
      String next = todo.pop();
      PrincipalSet set = policy.principalSets().get(next);
      if (set == null || !seen.add(next)) {
        continue;
      }
      users.addAll(set.members().users());
      groups.addAll(set.members().groups());
      todo.addAll(new TreeSet<>(set.members().sets()));
    }
    return Optional.of(new SetMembers(users, groups));
  }

  public SetMembers union(SetMembers other) {
    if (other == null) {
      return this;
    }
    Set<String> u = new TreeSet<>(users);
    u.addAll(other.users);
    Set<String> g = new TreeSet<>(groups);
    g.addAll(other.groups);
    return new SetMembers(u, g);
  }

  public boolean isEmpty() {
    return users.isEmpty() && groups.isEmpty();
  }

  /** As stored with a suspension: {@code {"users": [...], "groups": [...]}}, sorted. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("users", List.copyOf(new TreeSet<>(users)));
    m.put("groups", List.copyOf(new TreeSet<>(groups)));
    return m;
  }

  /** Reads what {@link #toMap()} wrote; null for null. */
  @SuppressWarnings("unchecked")
  public static SetMembers fromMap(Map<String, Object> m) {
    if (m == null) {
      return null;
    }
    return new SetMembers(
        new TreeSet<>((List<String>) m.getOrDefault("users", List.of())),
        new TreeSet<>((List<String>) m.getOrDefault("groups", List.of())));
  }
}
