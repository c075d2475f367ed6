package io.portcullis.audit;

import java.util.Map;
import java.util.Optional;

/**
 * Where the ledger learns the context of an event it did not get one with: the HTTP request being
 * served (caller, authentication, request id, source). Implemented by {@link
 * io.portcullis.audit.http.HttpAuditContext}; the ledger itself knows nothing of HTTP.
 */
public interface AuditContextSource {

  /**
   * The HTTP request this thread serves.
   *
   * @param caller the signed-in caller, or null for an anonymous request
   * @param requestId the request's {@code X-Request-Id}
   * @param source {@code address} (an HMAC) and {@code userAgent}
   */
  record Call(AuditContext.Person caller, String requestId, Map<String, String> source) {}

  /** The HTTP request this thread serves, if it serves one. */
  Optional<Call> current();
}
