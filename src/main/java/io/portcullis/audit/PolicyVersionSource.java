package io.portcullis.audit;

/**
 * Where the ledger learns the policy in force for an event that did not name one. Implemented by
 * the catalog (which depends on the ledger, never the other way round).
 */
public interface PolicyVersionSource {

  /** The hash of the policy in force, or null before the first policy was accepted. */
  String policyVersion();
}
