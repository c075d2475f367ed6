package io.portcullis.provider;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every {@link CredentialProvider} in this build, by kind. At startup it checks the providers
 * against the kinds policy may name ({@link ProviderKinds}, the built-in list the policy loader
 * uses): each provider's kind is listed, with the same parameter reader, and each listed kind has a
 * provider. So policy never accepts a kind that cannot be granted, nor refuses one that can.
 */
@ApplicationScoped
public class ProviderRegistry {

  private final Map<String, CredentialProvider> byKind;

  @Inject
  ProviderRegistry(Instance<CredentialProvider> providers, ProviderKinds kinds) {
    this((Iterable<CredentialProvider>) providers, kinds);
  }

  ProviderRegistry(Iterable<CredentialProvider> providers, ProviderKinds kinds) {
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
      if (!kinds.find(p.kind()).equals(Optional.of(p.providerKind()))) {
        throw new IllegalStateException(
            "Credential provider "
                + p.getClass().getName()
                + " declares kind '"
                + p.kind()
                + "', which the provider kinds policy may name do not list as its own ("
                + String.join(", ", kinds.names())
                + "): add its ProviderKind to io.portcullis.provider.builtin.BuiltInKinds");
      }
    }
    TreeSet<String> unserved = new TreeSet<>(kinds.names());
    unserved.removeAll(m.keySet());
    if (!unserved.isEmpty()) {
      throw new IllegalStateException(
          "Policy may name provider kinds that no credential provider implements: "
              + String.join(", ", unserved));
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
