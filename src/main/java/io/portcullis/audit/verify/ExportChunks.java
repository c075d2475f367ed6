package io.portcullis.audit.verify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An export as UTF-8 bytes: its first line (the header), then chunks of whole lines, read in large
 * blocks without making a String per line. Lines end as {@link BufferedReader#readLine} ends them:
 * at {@code \n}, {@code \r} or {@code \r\n}; a chunk ends after a {@code \n} (or at the end of the
 * file), so a {@code \r\n} is never cut in two.
 */
final class ExportChunks {

  /** Bytes read per chunk (below G1's humongous-object size in a 64 MiB heap). */
  static final int CHUNK = 1 << 18;

  /** Whole lines: {@code bytes[0..length)}. */
  record Chunk(byte[] bytes, int length) {}

  private final InputStream in;
  // chunks the workers are done with, used again: a 64 MiB heap then collects little
  private final java.util.concurrent.BlockingQueue<byte[]> free =
      new java.util.concurrent.ArrayBlockingQueue<>(16);
  private byte[] buf = new byte[CHUNK];
  private int len;
  private boolean eof;

  ExportChunks(InputStream in) {
    this.in = in;
  }

  /** The chunks of what {@code in} has left, encoded as UTF-8 (callers that hold a reader). */
  static ExportChunks of(BufferedReader in) {
    return new ExportChunks(new Utf8Stream(in));
  }

  /**
   * The first line, decoded strictly as UTF-8, or null when there is none.
   *
   * @throws java.nio.charset.CharacterCodingException when it is not UTF-8
   */
  String firstLine() throws IOException {
    int scanned = 0;
    while (true) {
      for (int i = scanned; i < len; i++) {
        byte c = buf[i];
        if (c == '\n' || c == '\r') {
          int after = c == '\r' && i + 1 < len && buf[i + 1] == '\n' ? i + 2 : i + 1;
          if (c == '\r' && i + 1 == len && !eof) {
            break; // a \n may follow in the next read
          }
          String line = decode(buf, 0, i);
          System.arraycopy(buf, after, buf, 0, len - after);
          len -= after;
          return line;
        }
        scanned = i + 1;
      }
      if (eof) {
        if (len == 0) {
          return null;
        }
        String line = decode(buf, 0, len);
        len = 0;
        return line;
      }
      fill();
    }
  }

  /** The next chunk of whole lines, or null at the end. */
  Chunk next() throws IOException {
    while (true) {
      if (eof || len == buf.length) {
        int cut = lastNewline();
        if (cut < 0 && !eof) {
          buf = Arrays.copyOf(buf, buf.length * 2); // one line longer than a chunk
        } else {
          int n = cut < 0 ? len : cut + 1;
          if (n == 0) {
            return null;
          }
          byte[] rest = len - n <= CHUNK ? fresh() : new byte[len - n];
          System.arraycopy(buf, n, rest, 0, len - n);
          Chunk c = new Chunk(buf, n);
          buf = rest;
          len -= n;
          return c;
        }
      }
      fill();
    }
  }

  /** Hands back a chunk's bytes once its lines are read (from any thread). */
  void recycle(Chunk c) {
    if (c.bytes().length == CHUNK) {
      free.offer(c.bytes());
    }
  }

  private byte[] fresh() {
    byte[] b = free.poll();
    return b != null ? b : new byte[CHUNK];
  }

  private int lastNewline() {
    for (int i = len - 1; i >= 0; i--) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void fill() throws IOException {
    while (len < buf.length) {
      int n = in.read(buf, len, buf.length - len);
      if (n < 0) {
        eof = true;
        return;
      }
      len += n;
    }
  }

  static String decode(byte[] b, int from, int to)
      throws java.nio.charset.CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .decode(ByteBuffer.wrap(b, from, to - from))
        .toString();
  }

  /** A reader's characters as UTF-8 bytes (as {@code String.getBytes} encodes them). */
  private static final class Utf8Stream extends InputStream {
    private final Reader in;
    private final CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final CharBuffer chars = CharBuffer.allocate(1 << 14);
    private boolean end;
    private boolean done;

    Utf8Stream(Reader in) {
      this.in = in;
      chars.flip();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
      if (n == 0) {
        return 0;
      }
      ByteBuffer out = ByteBuffer.wrap(b, off, n);
      while (out.position() == off && !done) {
        if (encoder.encode(chars, out, end).isOverflow()) {
          if (out.position() == off) {
            throw new IOException("read " + n + " bytes at least 4 at a time");
          }
          break;
        }
        if (end) {
          encoder.flush(out);
          done = true;
        } else {
          chars.compact(); // keeps a high surrogate whose pair is still to come
          end = in.read(chars) < 0;
          chars.flip();
        }
      }
      int written = out.position() - off;
      return written == 0 && done ? -1 : written;
    }
  }
}
