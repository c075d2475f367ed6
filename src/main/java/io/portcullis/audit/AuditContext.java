package io.portcullis.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who caused an event, how they signed in, under which policy, in which HTTP request, and from
 * where. Personal data that must stay matchable (the source address) is kept only as an HMAC
 * ({@link AuditHmac}); emails are never written.
 *
 * @param actorName display name, or null (system actors)
 * @param auth how the actor authenticated: {@code method}, {@code acr}, {@code amr}; empty for
 *     system actors
 * @param policyVersion hash of the policy in force, or null when none was loaded yet
 * @param requestId the HTTP request's {@code X-Request-Id}, or null outside a request
 * @param source {@code address} (an HMAC) and {@code userAgent} of an API call, or empty
 */
public record AuditContext(
    String actorName,
    Map<String, Object> auth,
    String policyVersion,
    String requestId,
    Map<String, String> source) {

  public AuditContext {
    auth = auth == null ? Map.of() : copy(auth);
    source = source == null ? Map.of() : Map.copyOf(source);
  }

  /** An event caused by Portcullis itself. */
  public static AuditContext system(String policyVersion) {
    return new AuditContext(null, Map.of(), policyVersion, null, Map.of());
  }

  /** The authentication strength as recorded: method, acr, amr. */
  public static Map<String, Object> auth(String method, String acr, List<String> amr) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method);
    m.put("acr", acr);
    m.put("amr", amr == null ? List.of() : List.copyOf(amr));
    return m;
  }

  /** The same context under another policy version. */
  public AuditContext withPolicyVersion(String version) {
    return new AuditContext(actorName, auth, version, requestId, source);
  }

  private static Map<String, Object> copy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach(out::put);
    return java.util.Collections.unmodifiableMap(out);
  }
}
