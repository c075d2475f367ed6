package io.portcullis.audit.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * The fast path of the offline verifier: reads an event line of an export as UTF-8 bytes and
 * computes the hash its content gives ({@code io.portcullis.audit.AuditHashing#expectedHash})
 * without building Strings, maps or records. The canonical body is the line's own object,
 * re-written canonically: members sorted, {@code kind} and {@code hash} left out, {@code format}
 * named {@code v}, and in format 1 the actor's subject in place of the actor.
 *
 * <p>It takes only lines exactly as {@code AuditJson} writes them: the member set of their format,
 * each member of the type the record gives it, ASCII strings without escapes, integers that {@code
 * long} holds, no duplicate keys, one object per line. For anything else {@link #read} answers
 * false and the caller falls back to the full parse ({@link ParsedLines#parse}), which decides as
 * it always did; so a line this class accepts yields what the full parse would have yielded.
 * ExportVerifierFastPathTest compares both, byte for byte, on every format and on lines it refuses.
 *
 * <p>One instance per thread: it keeps its digest and scratch buffers.
 */
final class EventLineHasher {

  private static final int OBJ = 1;
  private static final int ARR = 2;
  private static final int STR = 3;
  private static final int NUM = 4;
  private static final int LIT = 5;
  private static final int NULL = 6;

  /** Deeper nesting falls back (CanonicalJson refuses beyond 32 levels). */
  private static final int MAX_DEPTH = 16;

  /** Members of an event line, by their names in the line (AuditJson). */
  private static final String[] FIELDS = {
    "kind",
    "format",
    "seq",
    "occurredAt",
    "type",
    "actor",
    "targets",
    "details",
    "policyVersion",
    "requestId",
    "source",
    "triggeredBy",
    "prevHash",
    "hash"
  };

  private static final int KIND = 0;
  private static final int FORMAT = 1;
  private static final int SEQ = 2;
  private static final int OCCURRED_AT = 3;
  private static final int TYPE = 4;
  private static final int ACTOR = 5;
  private static final int TARGETS = 6;
  private static final int DETAILS = 7;
  private static final int POLICY_VERSION = 8;
  private static final int REQUEST_ID = 9;
  private static final int SOURCE = 10;
  private static final int TRIGGERED_BY = 11;
  private static final int PREV_HASH = 12;
  private static final int HASH = 13;

  /** The members each format's line holds (bit per field). */
  private static final int FORMAT_1 =
      bits(KIND, FORMAT, SEQ, OCCURRED_AT, TYPE, ACTOR, TARGETS, DETAILS, PREV_HASH, HASH);

  private static final int FORMAT_2 = FORMAT_1 | bits(POLICY_VERSION, REQUEST_ID, SOURCE);
  private static final int FORMAT_3 = FORMAT_2 | bits(TRIGGERED_BY);

  /** Hashed members in canonical order, as named in the body: the line's names, format as v. */
  private static final int[] BODY_ORDER;

  private static final byte[][] BODY_KEYS = new byte[FIELDS.length][];
  private static final byte[][] FIELD_KEYS = new byte[FIELDS.length][];

  static {
    java.util.List<Integer> hashed = new java.util.ArrayList<>();
    for (int f = 0; f < FIELDS.length; f++) {
      FIELD_KEYS[f] = FIELDS[f].getBytes(StandardCharsets.US_ASCII);
      String body = f == FORMAT ? "v" : FIELDS[f];
      BODY_KEYS[f] = ("\"" + body + "\":").getBytes(StandardCharsets.US_ASCII);
      if (f != KIND && f != HASH) {
        hashed.add(f);
      }
    }
    hashed.sort((a, b) -> (a == FORMAT ? "v" : FIELDS[a]).compareTo(b == FORMAT ? "v" : FIELDS[b]));
    BODY_ORDER = hashed.stream().mapToInt(Integer::intValue).toArray();
  }

  private static final byte[] EVENT = "\"event\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_TEXT = "null".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private final MessageDigest sha256;
  private byte[] b;
  // tokens: kind, first byte, end (exclusive), index of the token after the subtree
  private int[] type = new int[256];
  private int[] start = new int[256];
  private int[] end = new int[256];
  private int[] next = new int[256];
  private int tokens;
  private final int[] field = new int[FIELDS.length];
  private int[] order = new int[256];
  private byte[] out = new byte[4096];
  private int outLen;

  private long seq;
  private String prevHash;
  private String hash;
  private String expectedHash;
  private int lineEnd;

  EventLineHasher() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static int bits(int... fields) {
    int m = 0;
    for (int f : fields) {
      m |= 1 << f;
    }
    return m;
  }

  /**
   * Reads the line that starts at {@code from}.
   *
   * @param limit end of the bytes available; the line ends at a line break or there
   * @return true when the line is an event this class can hash (then {@link #seq} and the others
   *     describe it and {@link #lineEnd} is where the next line starts); false to fall back
   */
  boolean read(byte[] bytes, int from, int limit) {
    this.b = bytes;
    tokens = 0;
    int p = value(ws(from, limit), limit, 0);
    if (p < 0) {
      return false;
    }
    p = ws(p, limit);
    if (p == limit) {
      lineEnd = limit;
    } else if (b[p] == '\n') {
      lineEnd = p + 1;
    } else if (b[p] == '\r') {
      lineEnd = p + 1 < limit && b[p + 1] == '\n' ? p + 2 : p + 1;
    } else {
      return false; // more after the object
    }
    return type[0] == OBJ && event();
  }

  long seq() {
    return seq;
  }

  String prevHash() {
    return prevHash;
  }

  String hash() {
    return hash;
  }

  String expectedHash() {
    return expectedHash;
  }

  int lineEnd() {
    return lineEnd;
  }

  /** What the last hash covered: prevHash and the canonical body (for tests). */
  String hashedText() {
    return new String(out, 0, outLen, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ the event's members

  private boolean event() {
    java.util.Arrays.fill(field, -1);
    int present = 0;
    int f = -1;
    for (int t = 1; t < next[0]; t = next[t + 1]) {
      f = fieldOf(t, f + 1);
      if (f < 0 || field[f] >= 0) {
        return false; // a member the record does not hold, or a duplicate
      }
      field[f] = t + 1;
      present |= 1 << f;
    }
    if (!is(KIND, EVENT) || type[field[FORMAT]] != NUM) {
      return false;
    }
    int format = end[field[FORMAT]] - start[field[FORMAT]] == 1 ? b[start[field[FORMAT]]] - '0' : 0;
    int expected = format == 1 ? FORMAT_1 : format == 2 ? FORMAT_2 : format == 3 ? FORMAT_3 : -1;
    if (present != expected
        || type[field[SEQ]] != NUM
        || !time(field[OCCURRED_AT])
        || !stringOrNull(field[TYPE])
        || !objectOrNull(field[TARGETS])
        || !objectOrNull(field[DETAILS])
        || type[field[PREV_HASH]] != STR
        || type[field[HASH]] != STR
        || !(format == 1 ? person(field[ACTOR], 1 << 0, true) : person(field[ACTOR], 7, true))) {
      return false;
    }
    if (format >= 2
        && (!stringOrNull(field[POLICY_VERSION])
            || !stringOrNull(field[REQUEST_ID])
            || !stringsOnly(field[SOURCE]))) {
      return false;
    }
    if (format == 3
        && type[field[TRIGGERED_BY]] != NULL
        && !person(field[TRIGGERED_BY], 7, false)) {
      return false;
    }
    try {
      seq = Long.parseLong(text(field[SEQ]));
    } catch (NumberFormatException e) {
      return false; // beyond long: the full parse reads it as Jackson does
    }
    prevHash = unquoted(field[PREV_HASH]);
    hash = unquoted(field[HASH]);
    outLen = 0;
    append(b, start[field[PREV_HASH]] + 1, end[field[PREV_HASH]] - 1);
    if (!body(format)) {
      return false;
    }
    sha256.update(out, 0, outLen);
    expectedHash = hex(sha256.digest());
    return true;
  }

  /** The canonical body: the hashed members in canonical order. */
  private boolean body(int format) {
    put('{');
    boolean first = true;
    for (int f : BODY_ORDER) {
      int v = field[f];
      if (v < 0) {
        continue;
      }
      if (!first) {
        put(',');
      }
      first = false;
      append(BODY_KEYS[f], 0, BODY_KEYS[f].length);
      if (f == ACTOR && format == 1) {
        v = member(v, "subject");
      }
      if (!canonical(v)) {
        return false;
      }
    }
    put('}');
    return true;
  }

  /** An actor or triggeredBy: an object of subject, name, auth (format 1: subject alone). */
  private boolean person(int t, int members, boolean subjectMayBeNull) {
    if (type[t] != OBJ) {
      return false;
    }
    int count = 0;
    for (int k = t + 1; k < next[t]; k = next[k + 1]) {
      count++;
    }
    if (members == 1) {
      int s = member(t, "subject");
      return count == 1 && s >= 0 && stringOrNull(s);
    }
    int s = member(t, "subject");
    int n = member(t, "name");
    int a = member(t, "auth");
    return count == 3
        && s >= 0
        && n >= 0
        && a >= 0
        && (type[s] == STR || (subjectMayBeNull && type[s] == NULL))
        && stringOrNull(n)
        && type[a] == OBJ;
  }

  /** The value of member {@code name} of object {@code t}, or -1. */
  private int member(int t, String name) {
    for (int k = t + 1; k < next[t]; k = next[k + 1]) {
      if (keyIs(k, name)) {
        return k + 1;
      }
    }
    return -1;
  }

  private boolean keyIs(int k, String name) {
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

  /** The field key {@code k} names, trying first the one AuditJson writes next; -1 if none. */
  private int fieldOf(int k, int guess) {
    if (guess < FIELD_KEYS.length && sameKey(k, FIELD_KEYS[guess])) {
      return guess;
    }
    for (int f = 0; f < FIELD_KEYS.length; f++) {
      if (sameKey(k, FIELD_KEYS[f])) {
        return f;
      }
    }
    return -1;
  }

  private boolean sameKey(int k, byte[] key) {
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

  private boolean is(int f, byte[] raw) {
    int t = field[f];
    return java.util.Arrays.equals(b, start[t], end[t], raw, 0, raw.length);
  }

  private boolean stringOrNull(int t) {
    return type[t] == STR || type[t] == NULL;
  }

  private boolean objectOrNull(int t) {
    return type[t] == OBJ || type[t] == NULL;
  }

  /** An object whose values are all strings (a source: null values are refused by the record). */
  private boolean stringsOnly(int t) {
    if (type[t] != OBJ) {
      return false;
    }
    for (int k = t + 1; k < next[t]; k = next[k + 1]) {
      if (type[k + 1] != STR) {
        return false;
      }
    }
    return true;
  }

  /** "yyyy-MM-ddTHH:mm:ss.SSSSSSZ", a real date and time: what formatTime writes back unchanged. */
  private boolean time(int t) {
    if (type[t] != STR || end[t] - start[t] != 29) {
      return false;
    }
    int p = start[t] + 1;
    for (int i = 0; i < 27; i++) {
      byte c = b[p + i];
      boolean ok =
          switch (i) {
            case 4, 7 -> c == '-';
            case 10 -> c == 'T';
            case 13, 16 -> c == ':';
            case 19 -> c == '.';
            case 26 -> c == 'Z';
            default -> c >= '0' && c <= '9';
          };
      if (!ok) {
        return false;
      }
    }
    int hour = num(p + 11, 2);
    int minute = num(p + 14, 2);
    int second = num(p + 17, 2);
    if (hour > 23 || minute > 59 || second > 59) {
      return false;
    }
    int month = num(p + 5, 2);
    int day = num(p + 8, 2);
    if (month >= 1 && month <= 12 && day >= 1 && day <= 28) {
      return true;
    }
    try {
      LocalDate.of(num(p, 4), month, day);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }

  private int num(int p, int digits) {
    int v = 0;
    for (int i = 0; i < digits; i++) {
      v = v * 10 + (b[p + i] - '0');
    }
    return v;
  }

  private String text(int t) {
    return new String(b, start[t], end[t] - start[t], StandardCharsets.ISO_8859_1);
  }

  private String unquoted(int t) {
    return new String(b, start[t] + 1, end[t] - start[t] - 2, StandardCharsets.ISO_8859_1);
  }

  // ------------------------------------------------------------------ canonical output

  /** Writes token {@code t}'s value canonically; false when an object has a duplicate key. */
  private boolean canonical(int t) {
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
      default -> {
        append(b, start[t], end[t]);
        return true;
      }
    }
  }

  private int orderTop;

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

  private void put(char c) {
    if (outLen == out.length) {
      out = java.util.Arrays.copyOf(out, out.length * 2);
    }
    out[outLen++] = (byte) c;
  }

  private void append(byte[] from, int s, int e) {
    int n = e - s;
    if (outLen + n > out.length) {
      out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, outLen + n));
    }
    System.arraycopy(from, s, out, outLen, n);
    outLen += n;
  }

  private static String hex(byte[] digest) {
    byte[] h = new byte[digest.length * 2];
    for (int i = 0; i < digest.length; i++) {
      h[2 * i] = HEX[(digest[i] >> 4) & 0xF];
      h[2 * i + 1] = HEX[digest[i] & 0xF];
    }
    return new String(h, StandardCharsets.ISO_8859_1);
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
            p = string(p, limit);
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
      p = string(p, limit);
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
   * A string without escapes, control or non-ASCII characters (those fall back): eight bytes at a
   * time, looking for the first quote, backslash, byte below 0x20 or byte from 0x80.
   */
  private int string(int p, int limit) {
    int q = p + 1;
    while (q + 8 <= limit) {
      long x = (long) LONGS.get(b, q);
      long special =
          zeroByte(x ^ 0x2222222222222222L)
              | zeroByte(x ^ 0x5C5C5C5C5C5C5C5CL)
              | ((x - 0x2020202020202020L) & ~x & 0x8080808080808080L)
              | (x & 0x8080808080808080L);
      if (special != 0) {
        int at = q + (Long.numberOfTrailingZeros(special) >>> 3);
        return b[at] == '"' ? at + 1 : -1;
      }
      q += 8;
    }
    for (; q < limit; q++) {
      byte c = b[q];
      if (c == '"') {
        return q + 1;
      }
      if (c < 0x20 || c == '\\') { // a byte >= 0x80 is negative
        return -1;
      }
    }
    return -1;
  }

  /** The high bit of each zero byte of {@code v} (exact up to the lowest one, all that is read). */
  private static long zeroByte(long v) {
    return (v - 0x0101010101010101L) & ~v & 0x8080808080808080L;
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
