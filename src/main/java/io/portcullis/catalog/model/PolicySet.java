package io.portcullis.catalog.model;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One accepted version of the policy: every entitlement with its settings resolved.
 *
 * @param hash SHA-256 over the file names and contents, the policy version
 * @param loadedAt when this version was accepted
 */
public record PolicySet(
    String hash,
    Instant loadedAt,
    int files,
    Map<String, Entitlement> entitlements,
    Map<String, PrincipalSet> principalSets) {

  public PolicySet {
    entitlements = Map.copyOf(entitlements);
    principalSets = Map.copyOf(principalSets);
  }

  public Optional<Entitlement> entitlement(String id) {
    return Optional.ofNullable(entitlements.get(id));
  }
}
