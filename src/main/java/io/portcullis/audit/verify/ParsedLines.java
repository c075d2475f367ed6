package io.portcullis.audit.verify;

import io.portcullis.audit.AuditCheckpoint;
import io.portcullis.audit.AuditHashing;
import io.portcullis.audit.AuditJson;
import io.portcullis.audit.AuditRecord;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The lines of an export after its header, read and (for events) hashed on worker threads, handed
 * back in file order. What does not depend on the line before, which is nearly all the work
 * (reading JSON, writing the canonical form, SHA-256), runs in parallel, a chunk of lines per task;
 * the links, seq continuity and checkpoints stay with the caller, one line after the other.
 *
 * <p>An event line goes through {@link EventLineHasher} straight from its bytes; any line it does
 * not take (checkpoints, other formats, escapes, non-ASCII text, anything malformed) and every line
 * when the caller wants the records is parsed in full ({@link #parse}) as before.
 *
 * <p>Memory stays bounded: at most {@link #IN_FLIGHT} chunks of {@link ExportChunks#CHUNK} bytes
 * are read ahead of the line the caller is at.
 */
final class ParsedLines implements Iterator<ParsedLines.Line>, AutoCloseable {

  /** Workers: one per core, at least one, at most three (the caller mostly waits for them). */
  static final int WORKERS = Math.max(1, Math.min(3, Runtime.getRuntime().availableProcessors()));

  /** Chunks read ahead. */
  static final int IN_FLIGHT = 2 * WORKERS + 1;

  /** What a line holds. */
  enum Kind {
    BLANK,
    NOT_JSON,
    EVENT,
    BAD_EVENT,
    CHECKPOINT,
    BAD_CHECKPOINT,
    UNKNOWN,
    /** Not UTF-8: {@link Line#error} says where. */
    UNREADABLE
  }

  /**
   * One line, parsed.
   *
   * @param kind what it holds
   * @param seq the event's seq (EVENT)
   * @param prevHash the event's prevHash (EVENT)
   * @param hash the event's hash (EVENT)
   * @param expectedHash the hash the event's content gives (EVENT; null when its content has no
   *     canonical form)
   * @param event the event read in full (EVENT when parsed in full, else null)
   * @param checkpoint the checkpoint, when {@code kind} is CHECKPOINT
   * @param problem why it could not be read (NOT_JSON, BAD_EVENT, BAD_CHECKPOINT), or the kind it
   *     names (UNKNOWN)
   * @param error why its bytes are no text (UNREADABLE)
   */
  record Line(
      Kind kind,
      long seq,
      String prevHash,
      String hash,
      String expectedHash,
      AuditRecord event,
      AuditCheckpoint checkpoint,
      String problem,
      IOException error) {

    static Line of(Kind kind, String problem) {
      return new Line(kind, 0, null, null, null, null, null, problem, null);
    }
  }

  private final ExportChunks in;
  private final boolean records;
  private final ExecutorService workers;
  private final ArrayDeque<Future<List<Line>>> pending = new ArrayDeque<>();
  private Iterator<Line> current = List.<Line>of().iterator();
  private boolean eof;

  /**
   * @param in the export, after its header
   * @param records whether every event must come with its {@link AuditRecord} (no fast path)
   */
  ParsedLines(ExportChunks in, boolean records) {
    this.in = in;
    this.records = records;
    this.workers =
        Executors.newFixedThreadPool(
            WORKERS,
            r -> {
              Thread t = new Thread(r, "export-verify");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public boolean hasNext() {
    try {
      while (!current.hasNext()) {
        fill();
        if (pending.isEmpty()) {
          return false;
        }
        current = pending.removeFirst().get().iterator();
      }
      return true;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while verifying", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public Line next() {
    if (!hasNext()) {
      throw new java.util.NoSuchElementException();
    }
    return current.next();
  }

  /** Reads chunks until {@link #IN_FLIGHT} are pending or the file ends. */
  private void fill() throws IOException {
    while (!eof && pending.size() < IN_FLIGHT) {
      ExportChunks.Chunk c = in.next();
      if (c == null) {
        eof = true;
      } else {
        pending.addLast(
            workers.submit(
                () -> {
                  List<Line> lines = lines(c.bytes(), c.length(), records);
                  in.recycle(c);
                  return lines;
                }));
      }
    }
  }

  private static final ThreadLocal<EventLineHasher> HASHER =
      ThreadLocal.withInitial(EventLineHasher::new);

  /** The lines of {@code b[0..length)}, each parsed. */
  static List<Line> lines(byte[] b, int length, boolean records) {
    List<Line> out = new ArrayList<>(length / 1024 + 16);
    EventLineHasher fast = records ? null : HASHER.get();
    int p = 0;
    while (p < length) {
      if (fast != null && fast.read(b, p, length)) {
        out.add(
            new Line(
                Kind.EVENT,
                fast.seq(),
                fast.prevHash(),
                fast.hash(),
                fast.expectedHash(),
                null,
                null,
                null,
                null));
        p = fast.lineEnd();
        continue;
      }
      int e = p;
      while (e < length && b[e] != '\n' && b[e] != '\r') {
        e++;
      }
      try {
        out.add(parse(ExportChunks.decode(b, p, e)));
      } catch (java.nio.charset.CharacterCodingException ex) {
        out.add(new Line(Kind.UNREADABLE, 0, null, null, null, null, null, null, ex));
      }
      p = e < length && b[e] == '\r' && e + 1 < length && b[e + 1] == '\n' ? e + 2 : e + 1;
    }
    return out;
  }

  /** One line, parsed in full. */
  static Line parse(String text) {
    if (text.isBlank()) {
      return Line.of(Kind.BLANK, null);
    }
    Map<String, Object> m;
    try {
      m = AuditJson.parse(text);
    } catch (IllegalArgumentException e) {
      return Line.of(Kind.NOT_JSON, e.getMessage());
    }
    Object kind = m.get("kind");
    if ("event".equals(kind)) {
      AuditRecord r;
      try {
        r = AuditJson.fromMap(m);
      } catch (IllegalArgumentException | ClassCastException e) {
        return Line.of(Kind.BAD_EVENT, e.getMessage());
      }
      String expected;
      try {
        expected = AuditHashing.expectedHash(r);
      } catch (IllegalArgumentException e) {
        // content the canonical form refuses (a float, say): the caller's chain check computes it
        // again, in its place in the file, and fails there as it always did
        expected = null;
      }
      return new Line(Kind.EVENT, r.seq(), r.prevHash(), r.hash(), expected, r, null, null, null);
    }
    if ("checkpoint".equals(kind)) {
      try {
        return new Line(
            Kind.CHECKPOINT, 0, null, null, null, null, AuditCheckpoint.fromMap(m), null, null);
      } catch (IllegalArgumentException e) {
        return Line.of(Kind.BAD_CHECKPOINT, e.getMessage());
      }
    }
    return Line.of(Kind.UNKNOWN, String.valueOf(kind));
  }

  @Override
  public void close() {
    pending.forEach(f -> f.cancel(true));
    workers.shutdownNow();
  }
}
