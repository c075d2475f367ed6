package io.portcullis.catalog.load;

import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.cel.CelScope;
import io.portcullis.catalog.model.Expression;
import io.portcullis.catalog.model.SourceLocation;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a CEL expression of a policy: bounded in length, compiled (and type-checked) for its scope.
 */
final class ExpressionReader {

  private final CelEngine cel;

  ExpressionReader(CelEngine cel) {
    this.cel = cel;
  }

  /**
   * The CEL expression at {@code node}, compiled for {@code scope}; null (with an issue) when it
   * does not compile.
   */
  Expression read(Nodes n, Node node, CelScope scope) {
    java.util.Optional<String> src = n.string(node, "CEL expression");
    if (src.isEmpty()) {
      return null;
    }
    SourceLocation at = n.at(node);
    if (src.get().length() > PolicyLimits.MAX_EXPRESSION_CHARS) {
      n.error(
          node,
          "CEL expression is longer than " + PolicyLimits.MAX_EXPRESSION_CHARS + " characters",
          "split the rule");
      return null;
    }
    CelEngine.Compiled result = cel.compile(src.get(), scope);
    if (result.error() != null) {
      n.error(node, "CEL: " + result.error(), result.hint());
      return null;
    }
    return new Expression(src.get(), result.cel(), at);
  }
}
