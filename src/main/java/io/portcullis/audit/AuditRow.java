package io.portcullis.audit;

import io.portcullis.platform.json.CanonicalJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An event as the ledger's tables hold it, its JSON members as canonical text ({@link
 * CanonicalJson}): written once by the appending thread, then chained (seq, time, links) and
 * inserted without being parsed or serialised again (ADR 0014).
 *
 * @param seq the place in the chain; 0 while pending
 * @param occurredAt the database time it was chained at (or its backdated time); null while pending
 * @param backdated the demo history's time for it, else null
 * @param prevHash null while pending
 * @param hash null while pending
 */
record AuditRow(
    long seq,
    Instant occurredAt,
    Instant backdated,
    String type,
    String actorSubject,
    String targets,
    String details,
    int format,
    String actorName,
    String auth,
    String policyVersion,
    String requestId,
    String source,
    String triggeredBy,
    String prevHash,
    String hash) {

  /** A pending row for {@code event} recorded with {@code context}. */
  static AuditRow of(AuditEvent event, AuditContext context, Instant backdated) {
    return new AuditRow(
        0,
        null,
        backdated,
        event.type(),
        event.actorSubject(),
        CanonicalJson.write(event.targets()),
        CanonicalJson.write(event.details()),
        context.format(),
        context.actorName(),
        CanonicalJson.write(context.auth()),
        context.policyVersion(),
        context.requestId(),
        CanonicalJson.write(context.source()),
        context.triggeredBy() == null ? null : CanonicalJson.write(context.triggeredBy().toMap()),
        null,
        null);
  }

  /**
   * This event chained after {@code prevHash} as {@code seq}, at {@code at} unless it is backdated;
   * its hash is {@link AuditHashing}'s over the canonical texts as they are.
   */
  AuditRow chained(long seq, Instant at, String prevHash) {
    Instant time = (backdated != null ? backdated : at).truncatedTo(ChronoUnit.MICROS);
    String body =
        AuditHashing.canonicalBody(
            format,
            seq,
            time,
            type,
            actorSubject,
            actorName,
            auth,
            targets,
            details,
            policyVersion,
            requestId,
            source,
            triggeredBy,
            prevHash);
    return new AuditRow(
        seq,
        time,
        backdated,
        type,
        actorSubject,
        targets,
        details,
        format,
        actorName,
        auth,
        policyVersion,
        requestId,
        source,
        triggeredBy,
        prevHash,
        AuditHashing.chainedHash(prevHash, body));
  }

  /** The record it describes (its JSON parsed): for the SIEM line. */
  AuditRecord toRecord() {
    try {
      AuditContext context =
          AuditLog.context(format, actorName, auth, policyVersion, requestId, source, triggeredBy);
      return new AuditRecord(
          seq,
          occurredAt,
          type,
          actorSubject,
          AuditLog.READ_STRINGS.readValue(targets),
          AuditLog.READ_OBJECT.readValue(details),
          prevHash,
          hash,
          context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
