package io.portcullis.catalog.load;

import io.portcullis.catalog.model.SourceLocation;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Parses YAML into a node tree that keeps positions, with the defences policy files need: anchors
 * and aliases are refused (no alias bombs), nesting and size are bounded, one document per file.
 */
public final class SafeYaml {

  private SafeYaml() {}

  /** Parses {@code text}; returns null and records issues when it cannot be used. */
  public static Node parse(String file, String text, List<PolicyIssue> issues) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(PolicyLimits.MAX_NESTING + 8);
    options.setCodePointLimit(PolicyLimits.MAX_FILE_BYTES);
    options.setProcessComments(false);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    List<Node> documents = new ArrayList<>();
    try {
      Iterator<Node> it = yaml.composeAll(new StringReader(text)).iterator();
      while (it.hasNext()) {
        documents.add(it.next());
        if (documents.size() > 1) {
          break;
        }
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      issues.add(
          new PolicyIssue(
              location(file, mark),
              "YAML syntax: " + clean(e.getProblem() == null ? e.getMessage() : e.getProblem()),
              "check indentation and quoting near this position"));
      return null;
    } catch (YAMLException e) {
      issues.add(
          new PolicyIssue(
              new SourceLocation(file, 0, 0),
              "YAML refused: " + clean(e.getMessage()),
              "anchors/aliases are not supported; nesting and size are limited"));
      return null;
    }
    if (documents.isEmpty()) {
      issues.add(new PolicyIssue(new SourceLocation(file, 1, 1), "the file is empty", null));
      return null;
    }
    if (documents.size() > 1) {
      issues.add(
          new PolicyIssue(
              location(file, documents.get(1).getStartMark()),
              "more than one YAML document (---) in a file",
              "put each document in its own file"));
      return null;
    }
    Node root = documents.get(0);
    if (!checkTree(file, root, 0, issues)) {
      return null;
    }
    return root;
  }

  private static boolean checkTree(String file, Node node, int depth, List<PolicyIssue> issues) {
    if (node.getAnchor() != null) {
      issues.add(
          new PolicyIssue(
              location(file, node.getStartMark()),
              "YAML anchors and aliases (&" + node.getAnchor() + ") are not supported",
              "use defaults at the environment or system level instead of anchors"));
      return false;
    }
    if (depth > PolicyLimits.MAX_NESTING) {
      issues.add(
          new PolicyIssue(
              location(file, node.getStartMark()),
              "nested deeper than " + PolicyLimits.MAX_NESTING + " levels",
              "flatten the structure"));
      return false;
    }
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (!checkTree(file, t.getKeyNode(), depth + 1, issues)
            || !checkTree(file, t.getValueNode(), depth + 1, issues)) {
          return false;
        }
      }
    } else if (node instanceof SequenceNode s) {
      for (Node child : s.getValue()) {
        if (!checkTree(file, child, depth + 1, issues)) {
          return false;
        }
      }
    }
    return true;
  }

  static SourceLocation location(String file, Mark mark) {
    return mark == null
        ? new SourceLocation(file, 0, 0)
        : new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
  }

  private static String clean(String message) {
    if (message == null) {
      return "unreadable";
    }
    String oneLine = message.replaceAll("\\s+", " ").trim();
    return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
  }
}
