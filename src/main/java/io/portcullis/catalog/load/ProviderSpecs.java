package io.portcullis.catalog.load;

import io.portcullis.catalog.model.ProviderSpec;
import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.ProviderKind;
import io.portcullis.provider.ProviderKinds;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads an entitlement's {@code provider: {kind: …, <parameters>}} against the provider kinds of
 * this build ({@code io.portcullis.provider.builtin.BuiltInKinds}, which the provider registry
 * checks its providers against): the kind must be one of them, and its parameters must read into
 * the kind's parameter record. A problem is reported at the kind's or the parameter's line.
 */
final class ProviderSpecs {

  private ProviderSpecs() {}

  /** The provider of an entitlement, or null after reporting why there is none. */
  static ProviderSpec read(Nodes n, Node node, ProviderKinds kinds) {
    Map<String, Node> p = n.mapping(node, "provider", null);
    Node kindNode = p.get("kind");
    if (kindNode == null) {
      n.error(node, "provider.kind is missing", "one of " + String.join(", ", kinds.names()));
      return null;
    }
    String kind = n.string(kindNode, "provider.kind").orElse("");
    ProviderKind<?> known = kinds.find(kind).orElse(null);
    if (known == null) {
      n.error(kindNode, "unknown provider kind '" + kind + "'", Nodes.suggest(kind, kinds.names()));
      return null;
    }
    Map<String, Object> params = new LinkedHashMap<>();
    p.forEach(
        (k, v) -> {
          if (!k.equals("kind")) {
            params.put(k, n.plain(v));
          }
        });
    try {
      known.params(params);
    } catch (InvalidParamException e) {
      // "criticalOptions.source-address" is found at criticalOptions
      Node at = p.getOrDefault(e.param().split("\\.", 2)[0], node);
      n.error(
          at,
          kind + " parameter '" + e.param() + "' " + e.problem(),
          e.allowed().isEmpty()
              ? (e.expected() == null ? null : "expected " + e.expected())
              : Nodes.suggest(e.param(), e.allowed()));
      return null;
    }
    return new ProviderSpec(kind, params);
  }
}
