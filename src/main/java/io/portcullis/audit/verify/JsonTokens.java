package io.portcullis.audit.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * One line of JSON as tokens over its UTF-8 bytes, and its canonical form (members sorted, no white
 * space) written from them: the reading half of {@link EventLineHasher}. It takes only the JSON
 * whose canonical form it can write without decoding anything: strings as {@link JsonStrings} takes
 * them, integers, true, false, null; for anything else {@link #line} answers -1.
 *
 * <p>Tokens are numbered in document order: an object's token is followed by its members, each a
 * key token and its value's tokens; {@link #next} skips a value whole.
 */
final class JsonTokens {

  static final int OBJ = 1;
  static final int ARR = 2;
  static final int STR = 3;
  static final int NUM = 4;
  static final int LIT = 5;
  static final int NULL = 6;

  /** A string with escapes: written canonically, not copied. */
  static final int ESC = 7;

  /** Deeper nesting falls back (CanonicalJson refuses beyond 32 levels). */
  private static final int MAX_DEPTH = 16;

  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_TEXT = "null".getBytes(StandardCharsets.US_ASCII);

  private byte[] b;
  // tokens: kind, first byte, end (exclusive), index of the token after the value
  private int[] type = new int[256];
  private int[] start = new int[256];
  private int[] end = new int[256];
  private int[] next = new int[256];
  private int tokens;
  private int[] order = new int[256];
  private int orderTop;
  private final JsonStrings strings = new JsonStrings();
  private byte[] out = new byte[4096];
  private int outLen;

  /**
   * Reads the line that starts at {@code from}: one JSON value, white space, a line break (or
   * {@code limit}).
   *
   * @return where the next line starts, or -1 when the line is not JSON this class takes
   */
  int line(byte[] bytes, int from, int limit) {
    this.b = bytes;
    tokens = 0;
    int p = value(ws(from, limit), limit, 0);
    if (p < 0) {
      return -1;
    }
    p = ws(p, limit);
    if (p == limit) {
      return limit;
    } else if (b[p] == '\n') {
      return p + 1;
    } else if (b[p] == '\r') {
      return p + 1 < limit && b[p + 1] == '\n' ? p + 2 : p + 1;
    }
    return -1; // more after the value
  }

  byte[] bytes() {
    return b;
  }

  int type(int t) {
    return type[t];
  }

  int start(int t) {
    return start[t];
  }

  int end(int t) {
    return end[t];
  }

  int next(int t) {
    return next[t];
  }

  /** The value of member {@code name} of object {@code t}, or -1. */
  int member(int t, String name) {
    for (int k = t + 1; k < next[t]; k = next[k + 1]) {
      if (keyIs(k, name)) {
        return k + 1;
      }
    }
    return -1;
  }

  boolean keyIs(int k, String name) {
    int len = end[k] - start[k] - 2;
    if (len != name.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (b[start[k] + 1 + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  boolean sameKey(int k, byte[] key) {
    int s = start[k] + 1;
    if (end[k] - 1 - s != key.length) {
      return false;
    }
    for (int i = 0; i < key.length; i++) {
      if (b[s + i] != key[i]) {
        return false;
      }
    }
    return true;
  }

  /** Empties the output. */
  void clear() {
    outLen = 0;
    orderTop = 0;
  }

  /** The output so far, as text (for tests and messages). */
  String written() {
    return new String(out, 0, outLen, StandardCharsets.UTF_8);
  }

  /** Feeds the output to {@code md}. */
  void writtenTo(MessageDigest md) {
    md.update(out, 0, outLen);
  }

  /** Writes token {@code t}'s value canonically; false when an object has a duplicate key. */
  boolean canonical(int t) {
    switch (type[t]) {
      case OBJ -> {
        return object(t);
      }
      case ARR -> {
        put('[');
        for (int k = t + 1; k < next[t]; k = next[k]) {
          if (k > t + 1) {
            put(',');
          }
          if (!canonical(k)) {
            return false;
          }
        }
        put(']');
        return true;
      }
      case ESC -> {
        JsonStrings.writeCanonical(b, start[t], end[t], this);
        return true;
      }
      default -> {
        append(b, start[t], end[t]);
        return true;
      }
    }
  }

  private boolean object(int t) {
    int base = orderTop;
    int n = 0;
    for (int k = t + 1; k < next[t]; k = next[k + 1]) {
      if (base + n == order.length) {
        order = java.util.Arrays.copyOf(order, order.length * 2);
      }
      // insertion sort by key bytes (ASCII: the order of UTF-16 code units)
      int i = base + n;
      while (i > base && compareKeys(order[i - 1], k) > 0) {
        order[i] = order[i - 1];
        i--;
      }
      if (i > base && compareKeys(order[i - 1], k) == 0) {
        return false; // duplicate key: the full parse keeps the last one
      }
      order[i] = k;
      n++;
    }
    orderTop = base + n;
    put('{');
    boolean ok = true;
    for (int i = 0; i < n && ok; i++) {
      int k = order[base + i];
      if (i > 0) {
        put(',');
      }
      append(b, start[k], end[k]);
      put(':');
      ok = canonical(k + 1);
    }
    put('}');
    orderTop = base;
    return ok;
  }

  private int compareKeys(int x, int y) {
    int i = start[x] + 1;
    int j = start[y] + 1;
    int n = Math.min(end[x] - i, end[y] - j) - 1; // without the closing quotes
    for (int d = 0; d < n; d++) {
      int c = (b[i + d] & 0xFF) - (b[j + d] & 0xFF);
      if (c != 0) {
        return c;
      }
    }
    return (end[x] - i) - (end[y] - j);
  }

  void put(char c) {
    if (outLen == out.length) {
      out = java.util.Arrays.copyOf(out, out.length * 2);
    }
    out[outLen++] = (byte) c;
  }

  void append(byte[] from, int s, int e) {
    int n = e - s;
    if (outLen + n > out.length) {
      out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, outLen + n));
    }
    System.arraycopy(from, s, out, outLen, n);
    outLen += n;
  }

  // ------------------------------------------------------------------ tokens

  private int ws(int p, int limit) {
    while (p < limit && (b[p] == ' ' || b[p] == '\t')) {
      p++;
    }
    return p;
  }

  private int add(int kind, int at) {
    if (tokens == type.length) {
      int n = tokens * 2;
      type = java.util.Arrays.copyOf(type, n);
      start = java.util.Arrays.copyOf(start, n);
      end = java.util.Arrays.copyOf(end, n);
      next = java.util.Arrays.copyOf(next, n);
    }
    type[tokens] = kind;
    start[tokens] = at;
    return tokens++;
  }

  /** Reads one value at {@code p}; returns the position after it, or -1 to fall back. */
  private int value(int p, int limit, int depth) {
    if (p >= limit) {
      return -1;
    }
    byte c = b[p];
    int t;
    if (c == '{' || c == '[') {
      if (depth >= MAX_DEPTH) {
        return -1;
      }
      boolean object = c == '{';
      byte close = (byte) (object ? '}' : ']');
      t = add(object ? OBJ : ARR, p);
      p = ws(p + 1, limit);
      if (p < limit && b[p] == close) {
        p++;
      } else {
        while (true) {
          if (object) {
            if (p >= limit || b[p] != '"') {
              return -1;
            }
            int k = add(STR, p);
            p = strings.read(b, p, limit, true);
            if (p < 0) {
              return -1;
            }
            end[k] = p;
            next[k] = k + 1;
            p = ws(p, limit);
            if (p >= limit || b[p] != ':') {
              return -1;
            }
            p = ws(p + 1, limit);
          }
          p = value(p, limit, depth + 1);
          if (p < 0) {
            return -1;
          }
          p = ws(p, limit);
          if (p >= limit) {
            return -1;
          }
          if (b[p] == close) {
            p++;
            break;
          }
          if (b[p] != ',') {
            return -1;
          }
          p = ws(p + 1, limit);
        }
      }
    } else if (c == '"') {
      t = add(STR, p);
      p = strings.read(b, p, limit, false);
      if (strings.escapes()) {
        type[t] = ESC;
      }
    } else if (c == 't') {
      t = add(LIT, p);
      p = literal(p, limit, TRUE);
    } else if (c == 'f') {
      t = add(LIT, p);
      p = literal(p, limit, FALSE);
    } else if (c == 'n') {
      t = add(NULL, p);
      p = literal(p, limit, NULL_TEXT);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      t = add(NUM, p);
      p = number(p, limit);
    } else {
      return -1;
    }
    if (p < 0) {
      return -1;
    }
    end[t] = p;
    next[t] = tokens;
    return p;
  }

  /**
   * An integer as Jackson reads it (Integer, Long or BigInteger) and CanonicalJson writes it back
   * unchanged: 0 or -?[1-9][0-9]{0,18}.
   */
  private int number(int p, int limit) {
    int q = b[p] == '-' ? p + 1 : p;
    int digits = q;
    while (q < limit && b[q] >= '0' && b[q] <= '9') {
      q++;
    }
    int n = q - digits;
    if (n == 0 || n > 19 || (b[digits] == '0' && (n > 1 || digits > p))) {
      return -1;
    }
    if (q < limit && (b[q] == '.' || b[q] == 'e' || b[q] == 'E')) {
      return -1;
    }
    return q;
  }

  private int literal(int p, int limit, byte[] text) {
    if (limit - p < text.length
        || !java.util.Arrays.equals(b, p, p + text.length, text, 0, text.length)) {
      return -1;
    }
    return p + text.length;
  }
}
