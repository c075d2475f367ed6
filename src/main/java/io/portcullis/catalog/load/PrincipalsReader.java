package io.portcullis.catalog.load;

import io.portcullis.catalog.model.GroupPatterns;
import io.portcullis.catalog.model.PrincipalSet;
import io.portcullis.catalog.model.Principals;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads who a policy names: principals ({@code users}, {@code groups}, {@code sets}, {@code
 * until}), principal sets and {@code knownGroups}; once every file is read, checks the references
 * to sets, refuses set cycles and checks every named group against {@code knownGroups}.
 */
final class PrincipalsReader {

  private final List<PolicyIssue> issues;

  /** Principal sets by name, from every file. */
  final Map<String, PrincipalSet> principalSets = new LinkedHashMap<>();

  private final List<Runnable> setChecks = new ArrayList<>();

  /** The groups the policy declares as existing (names or patterns), from every file. */
  final Set<String> knownGroups = new LinkedHashSet<>();

  /** Where each group is named, to check against {@link #knownGroups} once every file is read. */
  private record GroupRef(Nodes n, Node at, String group, String what) {}

  private final List<GroupRef> groupRefs = new ArrayList<>();

  /** What loaded but deserves attention. */
  final List<String> warnings = new ArrayList<>();

  PrincipalsReader(List<PolicyIssue> issues) {
    this.issues = issues;
  }

  /** Reads a file's {@code knownGroups}. */
  void knownGroups(Nodes n, Node at) {
    for (String g : n.strings(at, "knownGroups")) {
      if (!PolicyParser.GROUP.matcher(g).matches()) {
        n.error(at, "known group '" + g + "' contains spaces or commas", null);
      } else if (g.equals("*")) {
        n.error(
            at,
            "knownGroups '*' would make every group known, so no misspelt group is caught",
            "list the groups your identity provider sends, or patterns such as team-*");
      } else {
        knownGroups.add(g);
      }
    }
  }

  /** Reads a file's {@code principalSets}. */
  void principalSets(Nodes n, Node at) {
    n.idMapping(at, "principalSets")
        .forEach(
            (name, node) -> {
              if (!PolicyParser.ID.matcher(name).matches()) {
                n.error(
                    node,
                    "principal set name '" + name + "' is not a valid id",
                    PolicyParser.idHint());
                return;
              }
              if (principalSets.containsKey(name)) {
                n.error(
                    node,
                    "principal set '" + name + "' is defined twice",
                    "first at " + principalSets.get(name).location());
                return;
              }
              principalSets.put(
                  name, new PrincipalSet(name, read(n, node, "principal set " + name), n.at(node)));
            });
  }

  /**
   * Notes that {@code what} names {@code group}, to check against {@code knownGroups} at the end.
   */
  void referToGroup(Nodes n, Node at, String group, String what) {
    groupRefs.add(new GroupRef(n, at, group, what));
  }

  /** The principals at {@code node}; {@code what} names them in messages. */
  Principals read(Nodes n, Node node, String what) {
    return read(n, node, what, PolicyParser.PRINCIPAL_KEYS);
  }

  /** The principals at {@code node}, whose keys must be among {@code allowed}. */
  Principals read(Nodes n, Node node, String what, Set<String> allowed) {
    return read(n, n.mapping(node, what, allowed), what);
  }

  /**
   * The principals among entries already read from a mapping ({@code users}, {@code groups}, {@code
   * sets}, {@code until}); other entries are the caller's.
   */
  Principals read(Nodes n, Map<String, Node> p, String what) {
    Set<String> users =
        p.containsKey("users") ? n.strings(p.get("users"), what + ".users") : Set.of();
    Set<String> groups =
        p.containsKey("groups") ? n.strings(p.get("groups"), what + ".groups") : Set.of();
    for (String g : groups) {
      if (!PolicyParser.GROUP.matcher(g).matches()) {
        n.error(p.get("groups"), "group name '" + g + "' contains spaces or commas", null);
      } else if (GroupPatterns.isPattern(g)) {
        n.error(
            p.get("groups"),
            "group name '" + g + "' contains '*': people are named by exact group names",
            "patterns are for knownGroups and separation.excludeSharedGroups");
      } else {
        groupRefs.add(new GroupRef(n, p.get("groups"), g, what));
      }
    }
    Set<String> sets = p.containsKey("sets") ? n.strings(p.get("sets"), what + ".sets") : Set.of();
    if (!sets.isEmpty()) {
      Node at = p.get("sets");
      setChecks.add(
          () -> {
            for (String s : sets) {
              if (!principalSets.containsKey(s)) {
                n.error(
                    at,
                    "unknown principal set '" + s + "'",
                    principalSets.isEmpty()
                        ? "define it under principalSets"
                        : Nodes.suggest(s, principalSets.keySet()));
              }
            }
          });
    }
    LocalDate until =
        p.containsKey("until") ? n.date(p.get("until"), what + ".until").orElse(null) : null;
    return new Principals(users, groups, sets, until);
  }

  /** Checks that need every file first: references to principal sets, set cycles, known groups. */
  void finish() {
    setChecks.forEach(Runnable::run);
    refuseSetCycles();
    checkKnownGroups();
  }

  /**
   * With {@code knownGroups} declared, every group the policy names must be one of them (a misspelt
   * group would leave requests waiting for reviewers who do not exist). Without, the policy loads
   * with a warning: Portcullis cannot know every group of the identity provider.
   */
  private void checkKnownGroups() {
    if (knownGroups.isEmpty()) {
      Set<String> named = new java.util.TreeSet<>();
      groupRefs.forEach(r -> named.add(r.group()));
      if (!named.isEmpty()) {
        warnings.add(
            "knownGroups is not declared, so the groups this policy names ("
                + String.join(", ", named)
                + ") cannot be checked: a misspelt or retired group leaves requests waiting for"
                + " reviewers who do not exist. Declare knownGroups at the top of a policy file.");
      }
      return;
    }
    for (GroupRef r : groupRefs) {
      if (!GroupPatterns.anyMatches(knownGroups, r.group())) {
        r.n()
            .error(
                r.at(),
                r.what() + " names group '" + r.group() + "', which is not in knownGroups",
                Nodes.suggest(r.group(), knownGroups)
                    + "; or add it to knownGroups if the identity provider sends it");
      }
    }
  }

  /**
   * Principal sets may name other sets, but never themselves, directly or through others: a cycle
   * would make membership undecidable (and its evaluation endless).
   */
  private void refuseSetCycles() {
    Set<String> done = new LinkedHashSet<>();
    for (String start : principalSets.keySet()) {
      List<String> path = new ArrayList<>();
      findCycle(start, path, new LinkedHashSet<>(), done);
    }
  }

  private void findCycle(String set, List<String> path, Set<String> onPath, Set<String> done) {
    if (done.contains(set) || !principalSets.containsKey(set)) {
      return;
    }
    if (onPath.contains(set)) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(set), path.size()));
      cycle.add(set);
      PrincipalSet first = principalSets.get(set);
      issues.add(
          new PolicyIssue(
              first.location(),
              "principal sets name each other in a cycle: " + String.join(" -> ", cycle),
              "a set may include other sets, but never itself through them; remove one of the"
                  + " 'sets' entries"));
      // report each cycle once: everything on it is done
      done.addAll(cycle);
      return;
    }
    onPath.add(set);
    path.add(set);
    for (String inner : new java.util.TreeSet<>(principalSets.get(set).members().sets())) {
      findCycle(inner, path, onPath, done);
    }
    path.remove(path.size() - 1);
    onPath.remove(set);
    done.add(set);
  }
}
