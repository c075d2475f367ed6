package io.portcullis.catalog.store;

import io.portcullis.audit.AuditEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The audit trail of policy loads (see {@code src/docs/audit-events.md}). */
public final class PolicyAudit {

  public static final String ACCEPTED = "policy.accepted";
  public static final String REJECTED = "policy.rejected";

  /** Every event type above. */
  public static final List<String> TYPES = List.of(ACCEPTED, REJECTED);

  static final String ACTOR = "system:policy-loader";

  private PolicyAudit() {}

  static AuditEvent accepted(String hash, int files, int entitlements, String directory) {
    return new AuditEvent(
        ACCEPTED,
        ACTOR,
        Map.of(),
        Map.of("hash", hash, "files", files, "entitlements", entitlements, "directory", directory));
  }

  /**
   * @param inForce the version still in force, or null
   */
  static AuditEvent rejected(
      String hash, int files, int problems, List<String> issues, String inForce) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("hash", hash);
    d.put("files", files);
    d.put("problems", problems);
    d.put("issues", List.copyOf(issues));
    d.put("inForce", inForce);
    return new AuditEvent(REJECTED, ACTOR, Map.of(), d);
  }
}
