package io.portcullis.review.demo;

import io.portcullis.audit.AuditEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The events of the demo's synthetic history: a marker saying what follows is demo data, then
 * request and grant events in the shapes the request and grant features write (see {@code
 * src/docs/audit-events.md}), each with {@code demo: true} in its details.
 */
public final class DemoHistoryAudit {

  public static final String SEEDED = "demo.history_seeded";

  /** Every event type this class introduces (the request and grant types are theirs). */
  public static final List<String> TYPES = List.of(SEEDED);

  private DemoHistoryAudit() {}

  private static Map<String, Object> demo(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    m.put("demo", true);
    return m;
  }

  static AuditEvent seeded(int grants, Instant from, Instant to) {
    return new AuditEvent(
        SEEDED,
        "system:demo",
        Map.of(),
        demo(
            "grants",
            grants,
            "from",
            from.toString(),
            "to",
            to.toString(),
            "note",
            "synthetic demo history for access reviews: these request and grant events never"
                + " happened and exist in no request or grant table"));
  }

  static AuditEvent submitted(
      UUID request, String requester, String entitlement, Duration duration, String via) {
    return new AuditEvent(
        "request.submitted",
        requester,
        Map.of("request", request.toString()),
        demo(
            "entitlements", List.of(entitlement),
            "duration", duration.toString(),
            "justification", "[demo history] routine work",
            "breakGlass", false,
            "eligibleVia", Map.of(entitlement, via)));
  }

  static AuditEvent approvedBy(UUID request, String approver) {
    return new AuditEvent(
        "request.review_recorded",
        approver,
        Map.of("request", request.toString()),
        demo("decision", "APPROVE"));
  }

  static AuditEvent autoApproved(UUID request, String rule) {
    return new AuditEvent(
        "request.review_recorded",
        "system:policy",
        Map.of("request", request.toString()),
        demo("decision", "APPROVE", "rules", List.of(rule)));
  }

  static AuditEvent approved(UUID request, String actor, UUID grant) {
    return new AuditEvent(
        "request.approved",
        actor,
        Map.of("request", request.toString()),
        demo("grants", List.of(grant.toString())));
  }

  static AuditEvent activated(UUID grant, UUID request, String entitlement, Instant notAfter) {
    return new AuditEvent(
        "grant.activated",
        "system:grant-engine",
        Map.of(
            "grant", grant.toString(),
            "request", request.toString(),
            "entitlement", entitlement),
        demo("notAfter", notAfter.toString()));
  }

  static AuditEvent revoked(UUID grant, String entitlement) {
    return new AuditEvent(
        "grant.revoked",
        "system:grant-engine",
        Map.of("grant", grant.toString(), "entitlement", entitlement),
        demo("cause", "expiry"));
  }
}
