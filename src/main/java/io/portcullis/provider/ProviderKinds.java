package io.portcullis.provider;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The provider kinds of a build, by name: what policy may name in {@code provider: {kind: …}}. The
 * built-in set is {@code io.portcullis.provider.builtin.BuiltInKinds#ALL}, which the policy loader
 * reads without CDI (tests, the policy test runner) and which {@link ProviderRegistry} checks its
 * provider beans against.
 */
public final class ProviderKinds {

  private final Map<String, ProviderKind<?>> byName;

  private ProviderKinds(Map<String, ProviderKind<?>> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * @throws IllegalArgumentException when two kinds share a name
   */
  public static ProviderKinds of(ProviderKind<?>... kinds) {
    Map<String, ProviderKind<?>> m = new TreeMap<>();
    for (ProviderKind<?> k : kinds) {
      if (m.put(k.name(), k) != null) {
        throw new IllegalArgumentException("provider kind '" + k.name() + "' is listed twice");
      }
    }
    return new ProviderKinds(m);
  }

  public Optional<ProviderKind<?>> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The names, sorted. */
  public Set<String> names() {
    return byName.keySet();
  }

  public Collection<ProviderKind<?>> all() {
    return byName.values();
  }
}
