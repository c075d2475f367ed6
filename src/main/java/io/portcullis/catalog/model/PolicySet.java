package io.portcullis.catalog.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One accepted version of the policy: every entitlement with its settings resolved.
 *
 * @param hash SHA-256 over the file names and contents, the policy version
 * @param loadedAt when this version was accepted
 * @param knownGroups the groups the policy declares as existing ({@code knownGroups:}, names or
 *     patterns); empty when it declares none, and then no group it names can be checked
 * @param warnings what loaded but deserves attention, as {@code file:line: message}
 * @param accessReviews the access-review campaign definitions by id ({@code accessReviews:})
 */
public record PolicySet(
    String hash,
    Instant loadedAt,
    int files,
    Map<String, Entitlement> entitlements,
    Map<String, PrincipalSet> principalSets,
    Set<String> knownGroups,
    List<String> warnings,
    Map<String, AccessReview> accessReviews) {

  public PolicySet {
    accessReviews = Map.copyOf(accessReviews);
    entitlements = Map.copyOf(entitlements);
    principalSets = Map.copyOf(principalSets);
    knownGroups = Set.copyOf(knownGroups);
    warnings = List.copyOf(warnings);
  }

  public PolicySet(
      String hash,
      Instant loadedAt,
      int files,
      Map<String, Entitlement> entitlements,
      Map<String, PrincipalSet> principalSets) {
    this(hash, loadedAt, files, entitlements, principalSets, Set.of(), List.of(), Map.of());
  }

  public PolicySet(
      String hash,
      Instant loadedAt,
      int files,
      Map<String, Entitlement> entitlements,
      Map<String, PrincipalSet> principalSets,
      Set<String> knownGroups,
      List<String> warnings) {
    this(hash, loadedAt, files, entitlements, principalSets, knownGroups, warnings, Map.of());
  }

  public Optional<AccessReview> accessReview(String id) {
    return Optional.ofNullable(accessReviews.get(id));
  }

  public Optional<Entitlement> entitlement(String id) {
    return Optional.ofNullable(entitlements.get(id));
  }
}
