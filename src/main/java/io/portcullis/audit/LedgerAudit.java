package io.portcullis.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ledger's own audit trail: what was taken away (see {@code src/docs/audit-events.md}). */
public final class LedgerAudit {

  public static final String EXPORTED = "audit.exported";

  /** Every event type above. */
  public static final List<String> TYPES = List.of(EXPORTED);

  private LedgerAudit() {}

  /**
   * @param from the time range asked for, or null (both null for a seq range)
   * @param requestedToSeq the toSeq asked for when the range was extended to a checkpoint, or null
   */
  public static AuditEvent exported(
      String actor, long fromSeq, long toSeq, Instant from, Instant to, Long requestedToSeq) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("fromSeq", fromSeq);
    d.put("toSeq", toSeq);
    if (from != null || to != null) {
      d.put("from", from == null ? null : from.toString());
      d.put("to", to == null ? null : to.toString());
    }
    if (requestedToSeq != null) {
      d.put("requestedToSeq", requestedToSeq);
    }
    return new AuditEvent(EXPORTED, actor, Map.of(), d);
  }
}
