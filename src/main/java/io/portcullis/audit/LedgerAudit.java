package io.portcullis.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ledger's own audit trail: what was taken away (see {@code src/docs/audit-events.md}). */
public final class LedgerAudit {

  public static final String EXPORTED = "audit.exported";
  public static final String PARTITION_DROPPED = "audit.partition_dropped";

  /** Every event type above. */
  public static final List<String> TYPES = List.of(EXPORTED, PARTITION_DROPPED);

  static final String RETENTION_ACTOR = "system:audit-retention";

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

  /**
   * A month of the ledger left the database after its span was archived and verified (ADR 0015).
   *
   * @param archive where its events are, one location per archived span
   */
  static AuditEvent partitionDropped(
      String month,
      long fromSeq,
      long toSeq,
      String lastHash,
      List<String> archive,
      java.time.Duration retention) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("month", month);
    d.put("fromSeq", fromSeq);
    d.put("toSeq", toSeq);
    d.put("lastHash", lastHash);
    d.put("archive", archive);
    d.put("retention", retention.toString());
    return new AuditEvent(PARTITION_DROPPED, RETENTION_ACTOR, Map.of(), d);
  }
}
