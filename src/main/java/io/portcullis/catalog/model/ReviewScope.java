package io.portcullis.catalog.model;

import java.util.Set;

/**
 * Which access a campaign reviews. Each non-empty set narrows the scope; empty sets place no limit.
 *
 * @param principalSets when not empty, only people in one of these sets are reviewed (a vendor
 *     review), both their eligibility and their grants
 */
public record ReviewScope(
    Set<String> environments,
    Set<String> systems,
    Set<String> entitlements,
    Set<Risk> risks,
    Set<String> principalSets) {

  public static final ReviewScope EVERYTHING =
      new ReviewScope(Set.of(), Set.of(), Set.of(), Set.of(), Set.of());

  public ReviewScope {
    environments = Set.copyOf(environments);
    systems = Set.copyOf(systems);
    entitlements = Set.copyOf(entitlements);
    risks = Set.copyOf(risks);
    principalSets = Set.copyOf(principalSets);
  }

  /** Whether the campaign reviews access to {@code e} (the people part is separate). */
  public boolean covers(Entitlement e) {
    return (environments.isEmpty() || environments.contains(e.environment()))
        && (systems.isEmpty() || systems.contains(e.system()))
        && (entitlements.isEmpty() || entitlements.contains(e.id()))
        && (risks.isEmpty() || risks.contains(e.risk()));
  }
}
