package io.portcullis.audit.verify;

import io.portcullis.audit.AuditChainVerifier;
import io.portcullis.audit.AuditCheckpoint;
import io.portcullis.audit.AuditJson;
import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.CheckpointVerifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.security.PublicKey;
import java.util.Map;

/**
 * Verifies an audit export ({@code io.portcullis.audit.AuditExport}) line by line, in constant
 * memory, with nothing but the public keys: seq continuity from the header's {@code fromSeq} and
 * {@code prevHash}, every event's hash and link, every checkpoint's signature, that each checkpoint
 * names the event it follows, that checkpoints chain by {@code prevSignature}, and that the file
 * holds every event the header announces.
 */
public final class ExportVerifier {

  /**
   * Outcome.
   *
   * @param intact true when nothing was wrong
   * @param fromSeq first seq the export announces
   * @param toSeq last seq the export announces
   * @param events events read
   * @param checkpoints checkpoints verified
   * @param lastCheckpointSeq seq of the last signed checkpoint, 0 when none
   * @param firstBadSeq the first bad seq, or null
   * @param problem what was wrong, or null
   */
  public record Report(
      boolean intact,
      long fromSeq,
      long toSeq,
      long events,
      long checkpoints,
      long lastCheckpointSeq,
      Long firstBadSeq,
      String problem) {

    /** Events after the last signed checkpoint: consistent, but not yet vouched for by a key. */
    public long unsignedTail() {
      long lastEvent = fromSeq + events - 1;
      return Math.max(0, lastEvent - Math.max(lastCheckpointSeq, fromSeq - 1));
    }

    /** The one-line verdict VerifyMain prints. */
    public String summary() {
      if (!intact) {
        return "first bad seq: " + firstBadSeq + ": " + problem;
      }
      String s =
          "intact: "
              + events
              + " events"
              + (events == 0 ? "" : " (seq " + fromSeq + ".." + (fromSeq + events - 1) + ")")
              + ", "
              + checkpoints
              + " checkpoint"
              + (checkpoints == 1 ? "" : "s")
              + ", "
              + (checkpoints == 0
                  ? "no signed checkpoint"
                  : "last signed checkpoint at seq " + lastCheckpointSeq);
      long tail = unsignedTail();
      if (tail > 0) {
        s +=
            "\nWARNING: "
                + tail
                + " event"
                + (tail == 1 ? "" : "s")
                + " after "
                + (checkpoints == 0 ? "the start" : "seq " + lastCheckpointSeq)
                + " are not covered by a signed checkpoint yet: they are consistent with the chain,"
                + " but no key vouches for them";
      }
      return s;
    }
  }

  /** A header or line that cannot be read at all. */
  public static final class MalformedExport extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedExport(String message) {
      super(message);
    }
  }

  private ExportVerifier() {}

  /**
   * Verifies the export read from {@code in}.
   *
   * @param keys public keys by key id ({@code io.portcullis.audit.Ed25519Keys#keyId})
   * @throws MalformedExport when the first line is not an export header
   */
  public static Report verify(BufferedReader in, Map<String, PublicKey> keys)
      throws IOException, MalformedExport {
    String first = in.readLine();
    if (first == null) {
      throw new MalformedExport("the file is empty");
    }
    Map<String, Object> header;
    try {
      header = AuditJson.parse(first);
    } catch (IllegalArgumentException e) {
      throw new MalformedExport("line 1 is " + e.getMessage());
    }
    if (!"export".equals(header.get("kind"))
        || !Integer.valueOf(1).equals(header.get("version"))
        || !(header.get("fromSeq") instanceof Number)
        || !(header.get("toSeq") instanceof Number)
        || !(header.get("prevHash") instanceof String)) {
      throw new MalformedExport(
          "line 1 is not a version 1 export header (kind, version, fromSeq, toSeq, prevHash)");
    }
    long fromSeq = ((Number) header.get("fromSeq")).longValue();
    long toSeq = ((Number) header.get("toSeq")).longValue();
    AuditChainVerifier chain = new AuditChainVerifier(fromSeq, (String) header.get("prevHash"));
    CheckpointVerifier signed =
        new CheckpointVerifier(keys, fromSeq == 1, "pass its public key with --public-key");
    long events = 0;
    long lastSeq = fromSeq - 1;
    String lastHash = null;
    long lineNo = 1;
    String line;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      Map<String, Object> m;
      try {
        m = AuditJson.parse(line);
      } catch (IllegalArgumentException e) {
        return bad(
            fromSeq,
            toSeq,
            events,
            signed,
            lastSeq + 1,
            "line " + lineNo + " is " + e.getMessage());
      }
      Object kind = m.get("kind");
      if ("event".equals(kind)) {
        AuditRecord r;
        try {
          r = AuditJson.fromMap(m);
        } catch (IllegalArgumentException | ClassCastException e) {
          return bad(
              fromSeq,
              toSeq,
              events,
              signed,
              lastSeq + 1,
              "line " + lineNo + ": " + e.getMessage());
        }
        events++;
        if (!chain.accept(r)) {
          AuditChainVerifier.Result cr = chain.result();
          return bad(fromSeq, toSeq, events, signed, cr.firstBadSeq(), cr.problem());
        }
        lastSeq = r.seq();
        lastHash = r.hash();
      } else if ("checkpoint".equals(kind)) {
        AuditCheckpoint cp;
        try {
          cp = AuditCheckpoint.fromMap(m);
        } catch (IllegalArgumentException e) {
          return bad(
              fromSeq, toSeq, events, signed, lastSeq, "line " + lineNo + ": " + e.getMessage());
        }
        if (cp.seq() != lastSeq) {
          return bad(
              fromSeq,
              toSeq,
              events,
              signed,
              Math.min(cp.seq(), lastSeq + 1),
              "checkpoint at seq "
                  + cp.seq()
                  + " stands after seq "
                  + lastSeq
                  + " (line "
                  + lineNo
                  + "); a checkpoint follows the event it covers");
        }
        if (!signed.accept(cp, lastHash)) {
          CheckpointVerifier.Result sr = signed.result();
          return bad(fromSeq, toSeq, events, signed, sr.firstBadSeq(), sr.problem());
        }
      } else {
        return bad(
            fromSeq,
            toSeq,
            events,
            signed,
            lastSeq + 1,
            "line " + lineNo + " has unknown kind " + kind);
      }
    }
    if (lastSeq != toSeq) {
      return bad(
          fromSeq,
          toSeq,
          events,
          signed,
          Math.min(lastSeq, toSeq) + 1,
          lastSeq < toSeq
              ? "the export announces events up to seq "
                  + toSeq
                  + " but ends after seq "
                  + lastSeq
                  + " (truncated)"
              : "the export announces events up to seq " + toSeq + " but holds more");
    }
    CheckpointVerifier.Result sr = signed.result();
    return new Report(true, fromSeq, toSeq, events, sr.checked(), sr.lastSeq(), null, null);
  }

  private static Report bad(
      long fromSeq, long toSeq, long events, CheckpointVerifier signed, Long seq, String why) {
    CheckpointVerifier.Result sr = signed.result();
    return new Report(
        false,
        fromSeq,
        toSeq,
        events,
        sr.intact() ? sr.checked() : sr.checked() - 1,
        sr.lastSeq(),
        seq,
        why);
  }
}
