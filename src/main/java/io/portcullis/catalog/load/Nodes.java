package io.portcullis.catalog.load;

import io.portcullis.catalog.model.SourceLocation;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Typed, position-aware reading of YAML nodes; every problem is recorded, none is thrown. */
final class Nodes {

  private final String file;
  private final List<PolicyIssue> issues;

  Nodes(String file, List<PolicyIssue> issues) {
    this.file = file;
    this.issues = issues;
  }

  String file() {
    return file;
  }

  SourceLocation at(Node n) {
    return SafeYaml.location(file, n.getStartMark());
  }

  void error(Node n, String message, String hint) {
    issues.add(new PolicyIssue(at(n), message, hint));
  }

  /**
   * The entries of a mapping, refusing keys that are not allowed (with a suggestion) and duplicate
   * keys. Returns an empty map when the node is not a mapping.
   */
  Map<String, Node> mapping(Node n, String what, Set<String> allowed) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (!(n instanceof MappingNode m)) {
      error(n, what + " must be a mapping (key: value)", null);
      return out;
    }
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        error(t.getKeyNode(), "keys must be plain text", null);
        continue;
      }
      String key = k.getValue();
      if (allowed != null && !allowed.contains(key)) {
        error(k, "unknown key '" + key + "' in " + what, suggest(key, allowed));
        continue;
      }
      if (out.containsKey(key)) {
        error(k, "duplicate key '" + key + "' in " + what, "keep one of them");
        continue;
      }
      out.put(key, t.getValueNode());
    }
    return out;
  }

  /** Mapping whose keys are ids (environment names, entitlement ids, …). */
  Map<String, Node> idMapping(Node n, String what) {
    return mapping(n, what, null);
  }

  Optional<String> string(Node n, String what) {
    if (n instanceof ScalarNode s) {
      if (s.getTag().getValue().endsWith(":null")) {
        return Optional.empty();
      }
      return Optional.of(s.getValue());
    }
    error(n, what + " must be text", null);
    return Optional.empty();
  }

  Optional<Integer> integer(Node n, String what, int min, int max) {
    Optional<String> s = string(n, what);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      int v = Integer.parseInt(s.get().trim());
      if (v < min || v > max) {
        error(n, what + " must be between " + min + " and " + max + ", got " + v, null);
        return Optional.empty();
      }
      return Optional.of(v);
    } catch (NumberFormatException e) {
      error(n, what + " must be a whole number, got '" + s.get() + "'", null);
      return Optional.empty();
    }
  }

  Optional<Boolean> bool(Node n, String what) {
    Optional<String> s = string(n, what);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    return switch (s.get().trim()) {
      case "true" -> Optional.of(true);
      case "false" -> Optional.of(false);
      default -> {
        error(n, what + " must be true or false, got '" + s.get() + "'", null);
        yield Optional.empty();
      }
    };
  }

  /** An ISO-8601 duration such as {@code PT30M}, {@code PT4H} or {@code P1D}, positive. */
  Optional<Duration> duration(Node n, String what) {
    Optional<String> s = string(n, what);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      Duration d = Duration.parse(s.get().trim());
      if (d.isNegative() || d.isZero()) {
        error(n, what + " must be positive, got " + s.get(), "for example PT1H");
        return Optional.empty();
      }
      if (d.compareTo(Duration.ofDays(366)) > 0) {
        error(n, what + " is longer than a year: " + s.get(), "just-in-time access is short");
        return Optional.empty();
      }
      return Optional.of(d);
    } catch (DateTimeParseException e) {
      error(
          n,
          what + " is not an ISO-8601 duration: '" + s.get() + "'",
          "write it like PT30M, PT4H or P1D");
      return Optional.empty();
    }
  }

  Optional<LocalDate> date(Node n, String what) {
    Optional<String> s = string(n, what);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(s.get().trim()));
    } catch (DateTimeParseException e) {
      error(n, what + " is not a date: '" + s.get() + "'", "write it like 2027-03-31");
      return Optional.empty();
    }
  }

  Optional<LocalTime> time(Node n, String what) {
    Optional<String> s = string(n, what);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalTime.parse(s.get().trim()));
    } catch (DateTimeParseException e) {
      error(n, what + " is not a time of day: '" + s.get() + "'", "write it like 09:00");
      return Optional.empty();
    }
  }

  Optional<ZoneId> zone(Node n, String what) {
    Optional<String> s = string(n, what);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZoneId.of(s.get().trim()));
    } catch (DateTimeException e) {
      error(
          n, what + " is not a time zone: '" + s.get() + "'", "use an IANA name like Asia/Kolkata");
      return Optional.empty();
    }
  }

  List<Node> sequence(Node n, String what) {
    if (n instanceof SequenceNode s) {
      return s.getValue();
    }
    error(n, what + " must be a list", "write it as [a, b] or with '- ' items");
    return List.of();
  }

  Set<String> strings(Node n, String what) {
    Set<String> out = new LinkedHashSet<>();
    for (Node item : sequence(n, what)) {
      string(item, what + " item").ifPresent(out::add);
    }
    return out;
  }

  /** Plain-data conversion for free-form maps (provider parameters). */
  Object plain(Node n) {
    if (n instanceof ScalarNode s) {
      return s.getTag().getValue().endsWith(":null") ? null : s.getValue();
    }
    if (n instanceof SequenceNode s) {
      List<Object> out = new ArrayList<>();
      s.getValue().forEach(c -> out.add(plain(c)));
      return out;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    mapping(n, "value", null).forEach((k, v) -> out.put(k, plain(v)));
    return out;
  }

  /** "did you mean …?" for the closest allowed key. */
  static String suggest(String key, Set<String> allowed) {
    String best =
        allowed.stream()
            .min(Comparator.comparingInt(a -> distance(a.toLowerCase(), key.toLowerCase())))
            .orElse(null);
    String all = "allowed: " + String.join(", ", allowed.stream().sorted().toList());
    if (best != null && distance(best.toLowerCase(), key.toLowerCase()) <= 3) {
      return "did you mean '" + best + "'? " + all;
    }
    return all;
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
