package io.portcullis.review.snapshot;

import io.portcullis.platform.json.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a snapshot document: one canonical JSON object per line (RFC 8785 key order, integral
 * numbers only, {@code \n} after each), hashed with SHA-256 over exactly those bytes as they are
 * written, and handed on gzip-compressed in chunks of about {@code chunkSize} bytes. The chunks, in
 * order, are one gzip stream of the document; nothing but the current chunk is held in memory.
 */
public final class SnapshotWriter {

  /** Receives the compressed document in order, chunk 0 first. */
  @FunctionalInterface
  public interface ChunkSink {
    void chunk(int index, byte[] gzip);
  }

  /** What was written: the document's SHA-256 (hex), its lines and its uncompressed size. */
  public record Written(String sha256, long lines, long bytes, int chunks) {}

  private final MessageDigest digest;
  private final Chunks chunks;
  private final GZIPOutputStream gzip;
  private long lines;
  private long bytes;
  private Written written;

  public SnapshotWriter(ChunkSink sink, int chunkSize) {
    try {
      digest = MessageDigest.getInstance("SHA-256");
      chunks = new Chunks(sink, chunkSize);
      gzip =
          new GZIPOutputStream(chunks, 64 * 1024) {
            {
              // speed over ratio: canonical JSON lines compress ~15:1 even at level 1
              def.setLevel(Deflater.BEST_SPEED);
            }
          };
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A writer that keeps nothing: for hashing a document again (e.g. from an export). */
  public static SnapshotWriter hashOnly() {
    return new SnapshotWriter((i, b) -> {}, 1 << 20);
  }

  /** Writes one line: {@code fields} in canonical JSON. */
  public void line(Map<String, Object> fields) {
    if (written != null) {
      throw new IllegalStateException("the snapshot is finished");
    }
    byte[] b = (CanonicalJson.write(fields) + "\n").getBytes(StandardCharsets.UTF_8);
    digest.update(b);
    try {
      gzip.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lines++;
    bytes += b.length;
  }

  /** Ends the document: flushes the last chunk and returns its hash. */
  public Written finish() {
    if (written == null) {
      try {
        gzip.finish();
        chunks.flushChunk();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      written = new Written(HexFormat.of().formatHex(digest.digest()), lines, bytes, chunks.index);
    }
    return written;
  }

  /** Collects compressed bytes and hands them on in chunks. */
  private static final class Chunks extends OutputStream {
    private final ChunkSink sink;
    private final int size;
    private final ByteArrayOutputStream buffer;
    private int index;

    Chunks(ChunkSink sink, int size) {
      if (size < 1024) {
        throw new IllegalArgumentException("chunks are at least 1 KiB");
      }
      this.sink = sink;
      this.size = size;
      this.buffer = new ByteArrayOutputStream(size);
    }

    @Override
    public void write(int b) {
      buffer.write(b);
      if (buffer.size() >= size) {
        flushChunk();
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.write(b, off, len);
      if (buffer.size() >= size) {
        flushChunk();
      }
    }

    void flushChunk() {
      if (buffer.size() > 0) {
        sink.chunk(index++, buffer.toByteArray());
        buffer.reset();
      }
    }
  }
}
