package io.portcullis.catalog.store;

import io.portcullis.audit.PolicyVersionSource;
import jakarta.enterprise.context.ApplicationScoped;

/** Tells the ledger which policy is in force, for events that do not name one. */
@ApplicationScoped
class PolicyVersions implements PolicyVersionSource {

  private final PolicyStore policies;

  PolicyVersions(PolicyStore policies) {
    this.policies = policies;
  }

  @Override
  public String policyVersion() {
    try {
      return policies.decisions().policy().hash();
    } catch (RuntimeException noPolicyYet) {
      return null;
    }
  }
}
