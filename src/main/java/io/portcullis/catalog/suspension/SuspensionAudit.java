package io.portcullis.catalog.suspension;

import io.portcullis.audit.AuditEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The audit trail of suspensions (see {@code src/docs/audit-events.md}). */
public final class SuspensionAudit {

  public static final String PLACED = "suspension.placed";
  public static final String LIFTED = "suspension.lifted";

  /** Every event type above. */
  public static final List<String> TYPES = List.of(PLACED, LIFTED);

  private SuspensionAudit() {}

  private static Map<String, String> target(UUID suspension) {
    return Map.of("suspension", suspension.toString());
  }

  /**
   * @param scope the scope as audited (emails only as HMACs)
   * @param members a principal set's members when placed, or null; users are counted, not listed
   *     (entries may be emails)
   */
  static AuditEvent placed(
      UUID suspension,
      String actor,
      Map<String, Object> scope,
      SetMembers members,
      String reason,
      UUID operation) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("scope", scope);
    if (members != null) {
      d.put("setGroups", List.copyOf(members.groups()));
      d.put("setUsers", members.users().size());
    }
    d.put("reason", reason);
    d.put("operation", operation.toString());
    return new AuditEvent(PLACED, actor, target(suspension), d);
  }

  static AuditEvent lifted(
      UUID suspension,
      String actor,
      String reason,
      Map<String, Object> scope,
      Instant placedAt,
      String placedBy,
      UUID operation) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("reason", reason);
    d.put("scope", scope);
    d.put("placedAt", placedAt.toString());
    d.put("placedBy", placedBy);
    d.put("operation", operation.toString());
    return new AuditEvent(LIFTED, actor, target(suspension), d);
  }
}
