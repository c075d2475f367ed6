package io.portcullis.audit;

import java.util.Optional;

/**
 * Where the ledger learns the context of an event it did not get one with: the HTTP request being
 * served (caller, authentication, request id, source), and the policy in force. Implemented by the
 * HTTP layer; the ledger itself knows nothing of HTTP or identities.
 */
public interface AuditContextSource {

  /** The context of the current HTTP request, if this thread serves one. */
  Optional<AuditContext> current();

  /** The hash of the policy in force, or null before the first policy was accepted. */
  String policyVersion();
}
