package io.portcullis.audit.verify;

import io.portcullis.audit.AuditChainVerifier;
import io.portcullis.audit.AuditCheckpoint;
import io.portcullis.audit.AuditJson;
import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.CheckpointVerifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.security.PublicKey;
import java.util.Map;
import java.util.function.Consumer;

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

    /** Events after the last signed checkpoint: consistent, but not vouched for by any key. */
    public long unsignedTail() {
      long lastEvent = fromSeq + events - 1;
      return Math.max(0, lastEvent - Math.max(lastCheckpointSeq, fromSeq - 1));
    }

    /** Intact, and every event covered by a signed checkpoint. */
    public boolean intactAndSigned() {
      return intact && unsignedTail() == 0;
    }

    /**
     * The verdict as an exit code: {@link #INTACT} (0) intact and every event signed, {@link
     * #TAMPERED} (1), {@link #UNSIGNED} (3) intact but with events no checkpoint covers (0 when
     * {@code allowUnsignedTail}).
     */
    public int exitCode(boolean allowUnsignedTail) {
      if (!intact) {
        return TAMPERED;
      }
      return unsignedTail() == 0 || allowUnsignedTail ? INTACT : UNSIGNED;
    }

    /** The verdict VerifyMain prints by default (unsigned events are not accepted). */
    public String summary() {
      return summary(false);
    }

    /** The verdict VerifyMain prints: one line, and for unsigned events a second one. */
    public String summary(boolean allowUnsignedTail) {
      if (!intact) {
        return "first bad seq: " + firstBadSeq + ": " + problem;
      }
      long tail = unsignedTail();
      String counts =
          events
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
      if (tail == 0) {
        return "intact: " + counts;
      }
      String which =
          tail
              + " event"
              + (tail == 1 ? "" : "s")
              + " after "
              + (checkpoints == 0 ? "the start" : "seq " + lastCheckpointSeq)
              + (tail == 1 ? " is" : " are")
              + " covered by no signed checkpoint";
      if (allowUnsignedTail) {
        return "intact: "
            + counts
            + "\nunsigned (allowed by --allow-unsigned-tail): "
            + which
            + "; they are consistent with the chain, but no key vouches for them";
      }
      return "unsigned: "
          + counts
          + "\n"
          + which
          + ": the chain is consistent, but without a signature anyone who can write the file could"
          + " have re-hashed it. Export a range that ends at a checkpoint (toSeq="
          + (checkpoints == 0 ? "<a checkpoint's seq>" : String.valueOf(lastCheckpointSeq))
          + "), wait for the next checkpoint, or accept them with --allow-unsigned-tail.";
    }
  }

  /** Exit code: intact, and every event covered by a signed checkpoint. */
  public static final int INTACT = 0;

  /** Exit code: something was altered, removed, added or reordered, or a signature is bad. */
  public static final int TAMPERED = 1;

  /** Exit code: bad arguments, or a file that cannot be read or is not an export. */
  public static final int USAGE = 2;

  /** Exit code: intact, but some events are covered by no signed checkpoint. */
  public static final int UNSIGNED = 3;

  /** A header or line that cannot be read at all. */
  public static final class MalformedExport extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedExport(String message) {
      super(message);
    }
  }

  /**
   * Verifies the export read from {@code in}.
   *
   * @param keys public keys by key id ({@code io.portcullis.audit.Ed25519Keys#keyId})
   * @throws MalformedExport when the first line is not an export header
   */
  public static Report verify(BufferedReader in, Map<String, PublicKey> keys)
      throws IOException, MalformedExport {
    ExportVerifier v = new ExportVerifier(keys);
    v.file("the export", in);
    return v.report();
  }

  private final Map<String, PublicKey> keys;
  private AuditChainVerifier chain;
  private CheckpointVerifier signed;
  private long fromSeq;
  private long toSeq;
  private long events;
  private long lastSeq;
  private String lastHash;
  private Report failure;

  /**
   * A verifier for one export or for consecutive ones (archived spans, exports of adjacent ranges):
   * feed them with {@link #file} in ledger order, then read {@link #report}.
   */
  public ExportVerifier(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  /**
   * Verifies the next file, which must continue where the previous one ended (its header's {@code
   * fromSeq} and {@code prevHash}).
   *
   * @param name how to call the file in messages
   * @return false once something was wrong (later files are not examined)
   * @throws MalformedExport when the first line is not an export header
   */
  public boolean file(String name, BufferedReader in) throws IOException, MalformedExport {
    return file(name, ExportChunks.of(in), null);
  }

  /**
   * Verifies the next file as {@link #file(String, BufferedReader)} does, read as UTF-8 bytes
   * (strictly: a file that is not UTF-8 cannot be read); the fastest way, for whole files.
   */
  public boolean file(String name, InputStream in) throws IOException, MalformedExport {
    return file(name, new ExportChunks(in), null);
  }

  /**
   * Verifies the next file as {@link #file(String, BufferedReader)} does, handing each event to
   * {@code onEvent} once its hash and link are verified (so a consumer never sees an event the
   * chain rejects), in seq order.
   */
  public boolean file(String name, BufferedReader in, Consumer<AuditRecord> onEvent)
      throws IOException, MalformedExport {
    return file(name, ExportChunks.of(in), java.util.Objects.requireNonNull(onEvent));
  }

  /** onEvent null: no records are needed, events take the fast path. */
  private boolean file(String name, ExportChunks in, Consumer<AuditRecord> onEvent)
      throws IOException, MalformedExport {
    if (failure != null) {
      return false;
    }
    String first = in.firstLine();
    if (first == null) {
      throw new MalformedExport(name + " is empty");
    }
    Map<String, Object> header;
    try {
      header = AuditJson.parse(first);
    } catch (IllegalArgumentException e) {
      throw new MalformedExport("line 1 of " + name + " is " + e.getMessage());
    }
    if (!"export".equals(header.get("kind"))
        || !Integer.valueOf(1).equals(header.get("version"))
        || !(header.get("fromSeq") instanceof Number)
        || !(header.get("toSeq") instanceof Number)
        || !(header.get("prevHash") instanceof String)) {
      throw new MalformedExport(
          "line 1 of "
              + name
              + " is not a version 1 export header (kind, version, fromSeq, toSeq, prevHash)");
    }
    long fileFrom = ((Number) header.get("fromSeq")).longValue();
    long fileTo = ((Number) header.get("toSeq")).longValue();
    String prevHash = (String) header.get("prevHash");
    if (chain == null) {
      fromSeq = fileFrom;
      lastSeq = fileFrom - 1;
      chain = new AuditChainVerifier(fileFrom, prevHash);
      signed = new CheckpointVerifier(keys, fileFrom == 1, "pass its public key with --public-key");
    } else if (fileFrom != lastSeq + 1) {
      return bad(
          Math.min(fileFrom, lastSeq + 1),
          name
              + " starts at seq "
              + fileFrom
              + " but the file before ends at seq "
              + lastSeq
              + (fileFrom > lastSeq + 1
                  ? " (events are missing between them)"
                  : " (they overlap)"));
    } else if (!prevHash.equals(lastHash == null ? "" : lastHash)) {
      return bad(
          fileFrom, name + "'s prevHash is not the hash of the last event of the file before");
    }
    toSeq = fileTo;
    long lineNo = 1; // the header
    try (ParsedLines lines = new ParsedLines(in, onEvent != null)) {
      while (lines.hasNext()) {
        ParsedLines.Line line = lines.next();
        lineNo++;
        if (line.kind() == ParsedLines.Kind.BLANK) {
          continue;
        }
        if (line.kind() == ParsedLines.Kind.UNREADABLE) {
          throw line.error();
        }
        switch (line.kind()) {
          case NOT_JSON -> {
            return bad(lastSeq + 1, where(lineNo, name) + " is " + line.problem());
          }
          case BAD_EVENT -> {
            return bad(lastSeq + 1, where(lineNo, name) + ": " + line.problem());
          }
          case EVENT -> {
            AuditRecord r = line.event();
            events++;
            boolean linked =
                r != null && line.expectedHash() == null
                    ? chain.accept(r) // no canonical form: computed again here, as it always was
                    : chain.accept(line.seq(), line.prevHash(), line.hash(), line.expectedHash());
            if (!linked) {
              AuditChainVerifier.Result cr = chain.result();
              return bad(cr.firstBadSeq(), cr.problem());
            }
            lastSeq = line.seq();
            lastHash = line.hash();
            if (onEvent != null) {
              onEvent.accept(r);
            }
          }
          case BAD_CHECKPOINT -> {
            return bad(lastSeq, where(lineNo, name) + ": " + line.problem());
          }
          case CHECKPOINT -> {
            AuditCheckpoint cp = line.checkpoint();
            if (cp.seq() != lastSeq) {
              return bad(
                  Math.min(cp.seq(), lastSeq + 1),
                  "checkpoint at seq "
                      + cp.seq()
                      + " stands after seq "
                      + lastSeq
                      + " ("
                      + where(lineNo, name)
                      + "); a checkpoint follows the event it covers");
            }
            if (!signed.accept(cp, lastHash)) {
              CheckpointVerifier.Result sr = signed.result();
              return bad(sr.firstBadSeq(), sr.problem());
            }
          }
          default -> {
            return bad(lastSeq + 1, where(lineNo, name) + " has unknown kind " + line.problem());
          }
        }
      }
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    if (lastSeq != fileTo) {
      return bad(
          Math.min(lastSeq, fileTo) + 1,
          lastSeq < fileTo
              ? name
                  + " announces events up to seq "
                  + fileTo
                  + " but ends after seq "
                  + lastSeq
                  + " (truncated)"
              : name + " announces events up to seq " + fileTo + " but holds more");
    }
    return true;
  }

  /** Where a line is, for messages (made only for the line that fails). */
  private static String where(long lineNo, String name) {
    return "line " + lineNo + (name.equals("the export") ? "" : " of " + name);
  }

  /** The hash of the last event verified, or null before the first. */
  public String lastHash() {
    return lastHash;
  }

  /** The verdict on everything fed so far. */
  public Report report() {
    if (failure != null) {
      return failure;
    }
    CheckpointVerifier.Result sr = signed.result();
    return new Report(true, fromSeq, toSeq, events, sr.checked(), sr.lastSeq(), null, null);
  }

  private boolean bad(Long seq, String why) {
    CheckpointVerifier.Result sr = signed.result();
    failure =
        new Report(
            false,
            fromSeq,
            toSeq,
            events,
            sr.intact() ? sr.checked() : sr.checked() - 1,
            sr.lastSeq(),
            seq,
            why);
    return false;
  }
}
