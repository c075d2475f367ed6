package io.portcullis.review.evidence;

import io.portcullis.audit.AuditExport;
import io.portcullis.audit.AuditRecord;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An evidence pack's one read of the ledger, on three threads. The caller's thread reads the ledger
 * and writes the extract's lines ({@link AuditExport}, in its own transaction); a second thread
 * folds the same events, handed over in seq order, into the pack's rows ({@link PackContents}); a
 * third hashes and deflates the extract's bytes into the ZIP. Each of the three cost about as much
 * as another when one thread did all, so on two cores the pass takes about half as long. At most
 * {@code BATCHES * BATCH} events and {@code CHUNKS} chunks of 64 KiB wait in between.
 */
final class PackPass {

  static final int BATCH = 500;
  static final int BATCHES = 8;
  static final int CHUNK = 1 << 16;
  static final int CHUNKS = 4;

  private PackPass() {}

  /**
   * Writes the extract of seq 1 to {@code toSeq} to {@code extract} (not flushed) and folds it.
   *
   * @param summaryZone the zone the summary's charts count weeks in
   * @param activity receives each activity row, on the folding thread
   */
  static PackContents.Found run(
      PackContents.Inputs in,
      ZoneId summaryZone,
      AuditExport export,
      long toSeq,
      OutputStream extract,
      Consumer<List<String>> activity)
      throws IOException {
    BlockingQueue<List<AuditRecord>> events = new ArrayBlockingQueue<>(BATCHES);
    List<AuditRecord> end = new ArrayList<>(0);
    FutureTask<PackContents.Found> fold =
        start(
            "evidence-pack-fold",
            () ->
                PackContents.compute(
                    in,
                    sink -> {
                      try {
                        for (List<AuditRecord> b = events.take(); b != end; b = events.take()) {
                          b.forEach(sink);
                        }
                      } catch (InterruptedException e) {
                        throw new IllegalStateException("the evidence pack was abandoned", e);
                      }
                    },
                    activity,
                    summaryZone));
    Handoff zip = new Handoff(extract);
    try {
      List<List<AuditRecord>> batch = new ArrayList<>(List.of(new ArrayList<>(BATCH)));
      export.write(
          AuditExport.Request.seqs(1L, toSeq),
          zip,
          e -> {
            batch.get(0).add(e);
            if (batch.get(0).size() == BATCH) {
              try {
                put(events, batch.set(0, new ArrayList<>(BATCH)), fold);
              } catch (IOException x) {
                throw new UncheckedIOException(x);
              }
            }
          });
      put(events, batch.get(0), fold);
      put(events, end, fold);
      zip.finish();
      return fold.get();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while making an evidence pack");
    } catch (ExecutionException e) {
      throw failure(e);
    } finally {
      // no-ops once they are done; otherwise neither may wait forever for this thread
      fold.cancel(true);
      zip.writer.cancel(true);
    }
  }

  private static <T> FutureTask<T> start(String name, Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return task;
  }

  /** Puts {@code item} on {@code queue}, or throws what stopped its consumer {@code other}. */
  static <T> void put(BlockingQueue<T> queue, T item, Future<?> other) throws IOException {
    try {
      while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
        stopped(other);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while making an evidence pack");
    }
  }

  /** Takes from {@code queue}, or throws what stopped its producer {@code other}. */
  static <T> T take(BlockingQueue<T> queue, Future<?> other) throws IOException {
    try {
      for (T item = queue.poll(50, TimeUnit.MILLISECONDS); ; ) {
        if (item != null) {
          return item;
        }
        stopped(other);
        item = queue.poll(50, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while making an evidence pack");
    }
  }

  /** Throws when {@code other} has ended: it failed, or it stopped before it should. */
  private static void stopped(Future<?> other) throws IOException {
    if (other.isDone()) {
      try {
        other.get();
      } catch (ExecutionException e) {
        throw failure(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while making an evidence pack");
      } catch (CancellationException e) {
        throw new IOException("the evidence pack was abandoned", e);
      }
      throw new IllegalStateException("a thread of the evidence pack ended early");
    }
  }

  private static IOException failure(ExecutionException e) {
    Throwable t = e.getCause();
    if (t instanceof UncheckedIOException u) {
      return u.getCause();
    }
    if (t instanceof IOException io) {
      return io;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    return new IOException(t);
  }

  /**
   * An output stream whose bytes a second thread writes to the target, in order, in chunks of
   * {@link #CHUNK} bytes; {@link #finish} waits until they are written. {@code flush} does nothing.
   */
  static final class Handoff extends OutputStream {
    private record Chunk(byte[] bytes, int length) {}

    private static final Chunk END = new Chunk(new byte[0], -1);

    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(CHUNKS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    final FutureTask<Void> writer;
    private byte[] buf = new byte[CHUNK];
    private int n;

    Handoff(OutputStream target) {
      for (int i = 1; i < CHUNKS; i++) {
        free.add(new byte[CHUNK]);
      }
      writer =
          start(
              "evidence-pack-zip",
              () -> {
                for (Chunk c = full.take(); c != END; c = full.take()) {
                  target.write(c.bytes(), 0, c.length());
                  free.put(c.bytes());
                }
                return null;
              });
    }

    @Override
    public void write(int b) throws IOException {
      if (n == CHUNK) {
        push();
      }
      buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (n == CHUNK) {
          push();
        }
        int k = Math.min(len, CHUNK - n);
        System.arraycopy(b, off, buf, n, k);
        n += k;
        off += k;
        len -= k;
      }
    }

    private void push() throws IOException {
      put(full, new Chunk(buf, n), writer);
      buf = take(free, writer);
      n = 0;
    }

    /** Hands over what is left and waits until every byte is written to the target. */
    void finish() throws IOException {
      if (n > 0) {
        put(full, new Chunk(buf, n), writer);
      }
      put(full, END, writer);
      try {
        writer.get();
      } catch (ExecutionException e) {
        throw failure(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while making an evidence pack");
      }
    }
  }
}
