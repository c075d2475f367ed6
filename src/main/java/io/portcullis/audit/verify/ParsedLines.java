package io.portcullis.audit.verify;

import io.portcullis.audit.AuditCheckpoint;
import io.portcullis.audit.AuditHashing;
import io.portcullis.audit.AuditJson;
import io.portcullis.audit.AuditRecord;
import java.io.BufferedReader;
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
 * The lines of an export after its header, parsed and (for events) hashed on worker threads, handed
 * back in file order. What does not depend on the line before, which is nearly all the work
 * (reading JSON, writing the canonical form, SHA-256), runs in parallel; the links, seq continuity
 * and checkpoints stay with the caller, one line after the other.
 *
 * <p>Memory stays bounded: at most {@link #IN_FLIGHT} batches of {@link #BATCH} lines are read
 * ahead of the line the caller is at.
 */
final class ParsedLines implements Iterator<ParsedLines.Line>, AutoCloseable {

  /** Lines per batch handed to a worker. */
  static final int BATCH = 256;

  /** Workers: the cores beside the caller's, at least one, at most three. */
  static final int WORKERS = Math.max(1, Math.min(3, Runtime.getRuntime().availableProcessors()));

  /** Batches read ahead. */
  static final int IN_FLIGHT = 2 * WORKERS + 1;

  /** What a line holds. */
  enum Kind {
    BLANK,
    NOT_JSON,
    EVENT,
    BAD_EVENT,
    CHECKPOINT,
    BAD_CHECKPOINT,
    UNKNOWN
  }

  /**
   * One line, parsed.
   *
   * @param number its line number in the file (the header is line 1)
   * @param kind what it holds
   * @param event the event, when {@code kind} is EVENT
   * @param expectedHash the hash the event's content gives, when {@code kind} is EVENT (null when
   *     its content has no canonical form)
   * @param checkpoint the checkpoint, when {@code kind} is CHECKPOINT
   * @param problem why it could not be read (NOT_JSON, BAD_EVENT, BAD_CHECKPOINT), or the kind it
   *     names (UNKNOWN)
   */
  record Line(
      long number,
      Kind kind,
      AuditRecord event,
      String expectedHash,
      AuditCheckpoint checkpoint,
      String problem) {}

  private final BufferedReader in;
  private final ExecutorService workers;
  private final ArrayDeque<Future<List<Line>>> pending = new ArrayDeque<>();
  private Iterator<Line> current = List.<Line>of().iterator();
  private long lineNo;
  private boolean eof;

  /**
   * @param in the export, positioned after its header
   * @param headerLines lines already read (the header's line number)
   */
  ParsedLines(BufferedReader in, long headerLines) {
    this.in = in;
    this.lineNo = headerLines;
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

  /** Reads batches until {@link #IN_FLIGHT} are pending or the file ends. */
  private void fill() throws IOException {
    while (!eof && pending.size() < IN_FLIGHT) {
      List<String> lines = new ArrayList<>(BATCH);
      long first = lineNo + 1;
      String line;
      while (lines.size() < BATCH && (line = in.readLine()) != null) {
        lines.add(line);
      }
      lineNo += lines.size();
      eof = lines.size() < BATCH;
      if (!lines.isEmpty()) {
        pending.addLast(workers.submit(() -> parse(first, lines)));
      }
    }
  }

  private static List<Line> parse(long first, List<String> lines) {
    List<Line> out = new ArrayList<>(lines.size());
    long n = first;
    for (String text : lines) {
      out.add(parse(n++, text));
    }
    return out;
  }

  static Line parse(long number, String text) {
    if (text.isBlank()) {
      return new Line(number, Kind.BLANK, null, null, null, null);
    }
    Map<String, Object> m;
    try {
      m = AuditJson.parse(text);
    } catch (IllegalArgumentException e) {
      return new Line(number, Kind.NOT_JSON, null, null, null, e.getMessage());
    }
    Object kind = m.get("kind");
    if ("event".equals(kind)) {
      AuditRecord r;
      try {
        r = AuditJson.fromMap(m);
      } catch (IllegalArgumentException | ClassCastException e) {
        return new Line(number, Kind.BAD_EVENT, null, null, null, e.getMessage());
      }
      String expected;
      try {
        expected = AuditHashing.expectedHash(r);
      } catch (IllegalArgumentException e) {
        // content the canonical form refuses (a float, say): the caller's chain check computes it
        // again, in its place in the file, and fails there as it always did
        expected = null;
      }
      return new Line(number, Kind.EVENT, r, expected, null, null);
    }
    if ("checkpoint".equals(kind)) {
      try {
        return new Line(number, Kind.CHECKPOINT, null, null, AuditCheckpoint.fromMap(m), null);
      } catch (IllegalArgumentException e) {
        return new Line(number, Kind.BAD_CHECKPOINT, null, null, null, e.getMessage());
      }
    }
    return new Line(number, Kind.UNKNOWN, null, null, null, String.valueOf(kind));
  }

  @Override
  public void close() {
    pending.forEach(f -> f.cancel(true));
    workers.shutdownNow();
  }
}
