package io.portcullis.audit;

import java.util.List;
import java.util.Map;

/** The audit trail of Portcullis itself (see {@code src/docs/audit-events.md}). */
public final class SystemAudit {

  public static final String STARTED = "system.started";

  /** Every event type above. */
  public static final List<String> TYPES = List.of(STARTED);

  static final String ACTOR = "system:portcullis";

  private SystemAudit() {}

  static AuditEvent started(String version, String profiles, boolean demoSignIn) {
    return new AuditEvent(
        STARTED,
        ACTOR,
        Map.of(),
        Map.of("version", version, "profiles", profiles, "demoSignIn", demoSignIn));
  }
}
