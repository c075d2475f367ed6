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
 */
public record AuditRecord(
    long seq,
    Instant occurredAt,
    String type,
    String actorSubject,
    Map<String, String> targets,
    Map<String, Object> details,
    String prevHash,
    String hash) {}
