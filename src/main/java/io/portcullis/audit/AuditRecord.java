package io.portcullis.audit;

import java.time.Instant;
import java.util.Map;

/**
 * An event in its place in the chain.
 *
 * @param seq position in the ledger, gapless from 1
 * @param occurredAt database time of the append, microsecond precision
 * @param prevHash hash of the event before (64 zeros for the first)
 * @param hash SHA-256 over {@code prevHash} and the canonical JSON of this record; see {@link
 *     AuditHashing}
 * @param context who, how and where (formats 2 and 3); null for events written in format 1
 */
public record AuditRecord(
    long seq,
    Instant occurredAt,
    String type,
    String actorSubject,
    Map<String, String> targets,
    Map<String, Object> details,
    String prevHash,
    String hash,
    AuditContext context) {

  /** A record in format 1 (no context), as the first releases wrote them. */
  public AuditRecord(
      long seq,
      Instant occurredAt,
      String type,
      String actorSubject,
      Map<String, String> targets,
      Map<String, Object> details,
      String prevHash,
      String hash) {
    this(seq, occurredAt, type, actorSubject, targets, details, prevHash, hash, null);
  }

  /**
   * This record carrying the hash its content chained to {@code prevHash} should have ({@link
   * AuditHashing#expectedHash}); the hash of this one is not read.
   */
  public AuditRecord hashed() {
    return new AuditRecord(
        seq,
        occurredAt,
        type,
        actorSubject,
        targets,
        details,
        prevHash,
        AuditHashing.expectedHash(this),
        context);
  }

  /** The hash format: 1 without a context, else the context's (2, or 3 with triggeredBy). */
  public int format() {
    return context == null ? 1 : context.format();
  }
}
