package io.portcullis.catalog.edit;

import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.load.SafeYaml;
import io.portcullis.catalog.model.SourceLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Edits of policy files as text, for remediation patches: remove people from a principals mapping
 * ({@code eligible:} or a principal set), shorten an entitlement's {@code maxDuration}, add an
 * approval stage. Edits are located through the parsed YAML's positions and applied to the original
 * text, so comments and layout elsewhere stay as written; the result is shown as a unified diff.
 */
public final class PolicyEdits {

  /** One change asked for, at a position the policy loader reported. */
  public sealed interface Edit {
    /** Where the mapping it changes starts: {@code file:line:column}. */
    SourceLocation at();

    /** A line for the patch header saying what and why. */
    String note();
  }

  /**
   * Remove {@code name} from the {@code users:} or {@code groups:} of the mapping at {@code at}.
   */
  public record RemovePrincipal(SourceLocation at, String kind, String name, String note)
      implements Edit {
    public RemovePrincipal {
      if (!kind.equals("user") && !kind.equals("group")) {
        throw new IllegalArgumentException("user or group, not " + kind);
      }
    }
  }

  /** Set {@code maxDuration:} of the entitlement mapping at {@code at}. */
  public record SetMaxDuration(SourceLocation at, Duration max, String note) implements Edit {}

  /**
   * Append an approval stage reviewed by {@code groups} to the entitlement mapping at {@code at}.
   */
  public record AddStage(SourceLocation at, String stageName, List<String> groups, String note)
      implements Edit {}

  /** The files' text before and after, and the edits that could not be made as text. */
  public record Result(Map<String, String> before, Map<String, String> after, List<String> manual) {

    /** A unified diff (git apply / patch -p1) of every changed file, after {@code header}. */
    public String unifiedDiff(List<String> header) {
      StringBuilder out = new StringBuilder();
      header.forEach(h -> out.append("# ").append(h).append('\n'));
      manual.forEach(m -> out.append("# by hand: ").append(m).append('\n'));
      for (String file : before.keySet()) {
        if (!before.get(file).equals(after.get(file))) {
          out.append(UnifiedDiff.of(file, before.get(file), after.get(file)));
        }
      }
      return out.toString();
    }

    public boolean changesSomething() {
      return before.keySet().stream().anyMatch(f -> !before.get(f).equals(after.get(f)));
    }
  }

  private PolicyEdits() {}

  /** Applies {@code edits} to the files under {@code dir} in memory; writes nothing. */
  public static Result apply(Path dir, List<Edit> edits) {
    Map<String, List<Edit>> byFile = new LinkedHashMap<>();
    for (Edit e : edits) {
      byFile.computeIfAbsent(e.at().file(), f -> new ArrayList<>()).add(e);
    }
    Map<String, String> before = new LinkedHashMap<>();
    Map<String, String> after = new LinkedHashMap<>();
    List<String> manual = new ArrayList<>();
    for (var entry : byFile.entrySet()) {
      String file = entry.getKey();
      Path path = dir.resolve(file).normalize();
      if (!path.startsWith(dir.normalize())) {
        throw new IllegalArgumentException("not under the policy directory: " + file);
      }
      String text;
      try {
        text = Files.readString(path);
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + file, e);
      }
      before.put(file, text);
      after.put(file, applyToText(file, text, entry.getValue(), manual));
    }
    return new Result(before, after, manual);
  }

  /** A replacement of {@code [start, end)} of the original text. */
  private record Span(int start, int end, String text) {}

  static String applyToText(String file, String text, List<Edit> edits, List<String> manual) {
    List<PolicyIssue> issues = new ArrayList<>();
    Node root = SafeYaml.parse(file, text, issues);
    if (root == null) {
      edits.forEach(e -> manual.add(e.note() + " (the file does not parse now)"));
      return text;
    }
    // removals are grouped per sequence, so that several in one list do not overlap
    Map<SequenceNode, List<String>> removals = new LinkedHashMap<>();
    List<Span> spans = new ArrayList<>();
    for (Edit e : edits) {
      Optional<MappingNode> m = mappingAt(root, e.at());
      if (m.isEmpty()) {
        manual.add(e.note() + " (nothing found at " + e.at() + ")");
        continue;
      }
      if (e instanceof RemovePrincipal r) {
        Node list = value(m.get(), r.kind().equals("user") ? "users" : "groups");
        if (list instanceof SequenceNode s && contains(s, r.name())) {
          removals.computeIfAbsent(s, k -> new ArrayList<>()).add(r.name());
        } else {
          manual.add(r.note() + " (" + r.kind() + " " + r.name() + " is no longer there)");
        }
      } else if (e instanceof SetMaxDuration d) {
        maxDuration(text, m.get(), d, spans, manual);
      } else if (e instanceof AddStage a) {
        addStage(text, m.get(), a, spans, manual);
      }
    }
    removals.forEach((seq, names) -> spans.add(remove(text, seq, Set.copyOf(names))));
    spans.sort(Comparator.comparingInt(Span::start).reversed());
    StringBuilder out = new StringBuilder(text);
    int floor = Integer.MAX_VALUE;
    for (Span s : spans) {
      if (s.end() > floor) {
        throw new IllegalStateException("overlapping policy edits at " + s.start());
      }
      out.replace(s.start(), s.end(), s.text());
      floor = s.start();
    }
    return out.toString();
  }

  private static Span remove(String text, SequenceNode seq, Set<String> names) {
    List<Node> kept = new ArrayList<>();
    for (Node item : seq.getValue()) {
      if (!(item instanceof ScalarNode sc && names.contains(sc.getValue()))) {
        kept.add(item);
      }
    }
    int start = seq.getStartMark().getIndex();
    int end = seq.getEndMark().getIndex();
    if (seq.getFlowStyle() == FlowStyle.FLOW) {
      List<String> parts = new ArrayList<>();
      for (Node k : kept) {
        parts.add(text.substring(k.getStartMark().getIndex(), k.getEndMark().getIndex()));
      }
      return new Span(start, end, "[" + String.join(", ", parts) + "]");
    }
    // block style: keep the lines of the items that stay; an emptied list becomes []
    int lineStart = text.lastIndexOf('\n', start - 1) + 1;
    String indent = text.substring(lineStart, start);
    if (kept.isEmpty()) {
      return new Span(start, trimEnd(text, end), "[]");
    }
    List<String> lines = new ArrayList<>();
    for (Node k : kept) {
      int from = k.getStartMark().getIndex();
      int to = trimEnd(text, k.getEndMark().getIndex());
      lines.add("- " + text.substring(from, to));
    }
    return new Span(start, trimEnd(text, end), String.join("\n" + indent, lines));
  }

  private static int trimEnd(String text, int end) {
    int e = end;
    while (e > 0 && Character.isWhitespace(text.charAt(e - 1))) {
      e--;
    }
    return e;
  }

  private static void maxDuration(
      String text, MappingNode m, SetMaxDuration d, List<Span> spans, List<String> manual) {
    Node v = value(m, "maxDuration");
    if (v instanceof ScalarNode s) {
      spans.add(
          new Span(s.getStartMark().getIndex(), s.getEndMark().getIndex(), d.max().toString()));
      return;
    }
    if (m.getFlowStyle() == FlowStyle.FLOW || m.getValue().isEmpty()) {
      manual.add(d.note());
      return;
    }
    Node firstKey = m.getValue().get(0).getKeyNode();
    int at = firstKey.getStartMark().getIndex();
    int lineStart = text.lastIndexOf('\n', at - 1) + 1;
    String indent = text.substring(lineStart, at);
    spans.add(new Span(at, at, "maxDuration: " + d.max() + "\n" + indent));
  }

  private static void addStage(
      String text, MappingNode m, AddStage a, List<Span> spans, List<String> manual) {
    Node approval = value(m, "approval");
    Node stages = approval instanceof MappingNode am ? value(am, "stages") : null;
    if (!(stages instanceof SequenceNode s)
        || s.getFlowStyle() == FlowStyle.FLOW
        || s.getValue().isEmpty()) {
      manual.add(a.note());
      return;
    }
    Node last = s.getValue().get(s.getValue().size() - 1);
    Node first = s.getValue().get(0);
    int itemAt = first.getStartMark().getIndex();
    int lineStart = text.lastIndexOf('\n', itemAt - 1) + 1;
    // the column of the "- " of the first item, and of its content
    String contentIndent = " ".repeat(itemAt - lineStart);
    String dashIndent = " ".repeat(Math.max(0, itemAt - lineStart - 2));
    int end = trimEnd(text, last.getEndMark().getIndex());
    String stage =
        "\n"
            + dashIndent
            + "- name: "
            + a.stageName()
            + "\n"
            + contentIndent
            + "approvals: 1\n"
            + contentIndent
            + "reviewers: {groups: ["
            + String.join(", ", a.groups())
            + "]}";
    spans.add(new Span(end, end, stage));
  }

  private static boolean contains(SequenceNode s, String name) {
    return s.getValue().stream()
        .anyMatch(n -> n instanceof ScalarNode sc && sc.getValue().equals(name));
  }

  private static Node value(MappingNode m, String key) {
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return t.getValueNode();
      }
    }
    return null;
  }

  /** The mapping that starts at {@code at} (1-based line and column), searching the whole tree. */
  static Optional<MappingNode> mappingAt(Node n, SourceLocation at) {
    if (n instanceof MappingNode m) {
      if (m.getStartMark().getLine() + 1 == at.line()
          && m.getStartMark().getColumn() + 1 == at.column()) {
        return Optional.of(m);
      }
      for (NodeTuple t : m.getValue()) {
        Optional<MappingNode> found = mappingAt(t.getValueNode(), at);
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (n instanceof SequenceNode s) {
      for (Node item : s.getValue()) {
        Optional<MappingNode> found = mappingAt(item, at);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }
}
