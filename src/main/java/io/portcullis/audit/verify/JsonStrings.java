package io.portcullis.audit.verify;

/**
 * JSON strings as {@link JsonTokens} reads them from UTF-8 bytes and writes them canonically: a key
 * in ASCII without escapes; a value in well-formed UTF-8 (as the strict decoder of the full parse
 * demands), with escapes only for characters below 0x80. Anything else is left to the full parse.
 */
final class JsonStrings {

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private boolean escapes;

  /** Whether the last string {@link #read} has escapes. */
  boolean escapes() {
    return escapes;
  }

  /**
   * The end of the string that starts at {@code p} (after its closing quote), or -1 to fall back.
   * Eight bytes at a time up to the first quote, backslash, byte below 0x20 or byte from 0x80; a
   * control character falls back; text beyond ASCII must be well-formed UTF-8 (canonical JSON
   * writes it back unescaped, so its bytes are copied as they are); an escape must be one {@link
   * #writeCanonical} can write. A key must be ASCII without escapes, so that sorting by bytes sorts
   * by UTF-16 code units as CanonicalJson does.
   */
  int read(byte[] b, int p, int limit, boolean key) {
    escapes = false;
    int q = p + 1;
    while (q < limit) {
      if (q + 8 <= limit) {
        long x = (long) LONGS.get(b, q);
        long special =
            zeroByte(x ^ 0x2222222222222222L)
                | zeroByte(x ^ 0x5C5C5C5C5C5C5C5CL)
                | ((x - 0x2020202020202020L) & ~x & 0x8080808080808080L)
                | (x & 0x8080808080808080L);
        if (special == 0) {
          q += 8;
          continue;
        }
        q += Long.numberOfTrailingZeros(special) >>> 3;
      }
      byte c = b[q];
      if (c == '"') {
        return q + 1;
      }
      if (c < 0) { // from 0x80
        q = key ? -1 : utf8(b, q, limit);
        if (q < 0) {
          return -1;
        }
      } else if (c == '\\') {
        q = key ? -1 : escape(b, q, limit);
        if (q < 0) {
          return -1;
        }
        escapes = true;
      } else if (c < 0x20) {
        return -1;
      } else {
        q++;
      }
    }
    return -1;
  }

  /** The high bit of each zero byte of {@code v} (exact up to the lowest one, all that is read). */
  private static long zeroByte(long v) {
    return (v - 0x0101010101010101L) & ~v & 0x8080808080808080L;
  }

  /**
   * The end of the escape at {@code q} as JSON (and Jackson) allows it: {@code \" \\ \/ \b \f \n \r
   * \t} or {@code \\u} and four hex digits, here only for a character below 0x80; or -1.
   */
  private static int escape(byte[] b, int q, int limit) {
    if (q + 1 >= limit) {
      return -1;
    }
    byte c = b[q + 1];
    if (c == 'u') {
      return escapedChar(b, q, limit) >= 0 ? q + 6 : -1;
    }
    return "\"\\/bfnrt".indexOf(c) >= 0 ? q + 2 : -1;
  }

  /** The character of the {@code \\u} escape at {@code q} when below 0x80, else -1. */
  private static int escapedChar(byte[] b, int q, int limit) {
    if (q + 6 > limit) {
      return -1;
    }
    int v = 0;
    for (int i = q + 2; i < q + 6; i++) {
      int d = Character.digit(b[i], 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v < 0x80 ? v : -1;
  }

  /**
   * The end of the well-formed UTF-8 sequence at {@code q} (Unicode's table 3-7: no overlong form,
   * no surrogate, nothing beyond U+10FFFF), or -1.
   */
  private static int utf8(byte[] b, int q, int limit) {
    int c = b[q] & 0xFF;
    int n;
    int lo = 0x80;
    int hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      lo = c == 0xE0 ? 0xA0 : 0x80;
      hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      lo = c == 0xF0 ? 0x90 : 0x80;
      hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return -1;
    }
    if (q + n >= limit) {
      return -1;
    }
    int c1 = b[q + 1] & 0xFF;
    if (c1 < lo || c1 > hi) {
      return -1;
    }
    for (int i = 2; i <= n; i++) {
      int ci = b[q + i] & 0xFF;
      if (ci < 0x80 || ci > 0xBF) {
        return -1;
      }
    }
    return q + n + 1;
  }

  /**
   * Writes string token {@code t} as CanonicalJson writes the text it stands for: escapes only for
   * a quote, a backslash and control characters ({@code \b \f \n \r \t}, else {@code \\u00xx} in
   * lower case); every other character as itself.
   */
  static void writeCanonical(byte[] b, int start, int end, JsonTokens out) {
    int run = start;
    int last = end - 1; // the closing quote
    for (int q = start + 1; q < last; q++) {
      if (b[q] != '\\') {
        continue;
      }
      out.append(b, run, q);
      byte e = b[q + 1];
      int c =
          switch (e) {
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> escapedChar(b, q, end);
            default -> e; // " \ /
          };
      q += e == 'u' ? 5 : 1;
      run = q + 1;
      if (c == '"' || c == '\\') {
        out.put('\\');
        out.put((char) c);
      } else if (c >= 0x20) {
        out.put((char) c);
      } else {
        out.put('\\');
        switch (c) {
          case '\b' -> out.put('b');
          case '\f' -> out.put('f');
          case '\n' -> out.put('n');
          case '\r' -> out.put('r');
          case '\t' -> out.put('t');
          default -> {
            out.put('u');
            out.put('0');
            out.put('0');
            out.put(Character.forDigit(c >> 4, 16));
            out.put(Character.forDigit(c & 0xF, 16));
          }
        }
      }
    }
    out.append(b, run, end);
  }
}
