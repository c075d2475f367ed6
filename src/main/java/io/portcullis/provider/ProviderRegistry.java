package io.portcullis.provider;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every {@link CredentialProvider} in this build, by kind. */
@ApplicationScoped
public class ProviderRegistry {

  private final Map<String, CredentialProvider> byKind;

  ProviderRegistry(Instance<CredentialProvider> providers) {
    Map<String, CredentialProvider> m = new TreeMap<>();
    for (CredentialProvider p : providers) {
      CredentialProvider earlier = m.put(p.kind(), p);
      if (earlier != null) {
        throw new IllegalStateException(
            "Two credential providers claim kind '"
                + p.kind()
                + "': "
                + earlier.getClass().getName()
                + " and "
                + p.getClass().getName());
      }
    }
    this.byKind = Collections.unmodifiableMap(m);
  }

  /** The provider of a kind, configured or not. */
  public Optional<CredentialProvider> find(String kind) {
    return Optional.ofNullable(byKind.get(kind));
  }

  public Collection<CredentialProvider> all() {
    return byKind.values();
  }

  /**
   * Why grants of this kind cannot be activated here, or empty when they can.
   *
   * @return a sentence naming what to configure
   */
  public Optional<String> unavailableReason(String kind) {
    CredentialProvider p = byKind.get(kind);
    if (p == null) {
      return Optional.of(
          "provider kind '"
              + kind
              + "' is not part of this Portcullis build; available: "
              + String.join(", ", byKind.keySet()));
    }
    if (!p.configured()) {
      return Optional.of(
          "provider '" + kind + "' is not configured in this deployment: " + p.configurationHint());
    }
    return Optional.empty();
  }
}
