package io.portcullis.audit.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * The fast path of the offline verifier: reads an event line of an export as UTF-8 bytes and
 * computes the hash its content gives ({@code io.portcullis.audit.AuditHashing#expectedHash})
 * without building maps or records (its only Strings are the event's prevHash and hash, which the
 * links need). The canonical body is the line's own object, re-written canonically: members sorted,
 * {@code kind} and {@code hash} left out, {@code format} named {@code v}, and in format 1 the
 * actor's subject in place of the actor.
 *
 * <p>It takes only lines exactly as {@code AuditJson} writes them: the member set of their format,
 * each member of the type the record gives it, keys in ASCII without escapes, values in well-formed
 * UTF-8 (escapes only for characters below 0x80), integers, a seq that {@code long} holds, no
 * duplicate keys, one object per line. For anything else {@link #read} answers false and the caller
 * falls back to the full parse ({@link ParsedLines#parse}), which decides as it always did; so a
 * line this class accepts yields what the full parse would have yielded. ExportVerifierFastPathTest
 * compares both, byte for byte, on every format and on lines it refuses.
 *
 * <p>One instance per thread: it keeps its digest and scratch buffers.
 */
final class EventLineHasher {

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
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final MessageDigest sha256;
  private final JsonTokens json = new JsonTokens();
  private final int[] field = new int[FIELDS.length];

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
    lineEnd = json.line(bytes, from, limit);
    return lineEnd >= 0 && json.type(0) == JsonTokens.OBJ && event();
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
    return json.written();
  }

  // ------------------------------------------------------------------ the event's members

  private boolean event() {
    java.util.Arrays.fill(field, -1);
    int present = 0;
    int f = -1;
    for (int t = 1; t < json.next(0); t = json.next(t + 1)) {
      f = fieldOf(t, f + 1);
      if (f < 0 || field[f] >= 0) {
        return false; // a member the record does not hold, or a duplicate
      }
      field[f] = t + 1;
      present |= 1 << f;
    }
    if (!is(KIND, EVENT) || json.type(field[FORMAT]) != JsonTokens.NUM) {
      return false;
    }
    int format =
        json.end(field[FORMAT]) - json.start(field[FORMAT]) == 1
            ? json.bytes()[json.start(field[FORMAT])] - '0'
            : 0;
    int expected = format == 1 ? FORMAT_1 : format == 2 ? FORMAT_2 : format == 3 ? FORMAT_3 : -1;
    if (present != expected
        || json.type(field[SEQ]) != JsonTokens.NUM
        || !time(field[OCCURRED_AT])
        || !stringOrNull(field[TYPE])
        || !objectOrNull(field[TARGETS])
        || !objectOrNull(field[DETAILS])
        || json.type(field[PREV_HASH]) != JsonTokens.STR
        || json.type(field[HASH]) != JsonTokens.STR
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
        && json.type(field[TRIGGERED_BY]) != JsonTokens.NULL
        && !person(field[TRIGGERED_BY], 7, false)) {
      return false;
    }
    if (!seq(field[SEQ])) {
      return false;
    }
    prevHash = unquoted(field[PREV_HASH]);
    hash = unquoted(field[HASH]);
    json.clear();
    json.append(json.bytes(), json.start(field[PREV_HASH]) + 1, json.end(field[PREV_HASH]) - 1);
    if (!body(format)) {
      return false;
    }
    json.writtenTo(sha256);
    byte[] digest = sha256.digest();
    // the same String when they match (nearly always): no hex text made per event
    expectedHash = isHexOf(field[HASH], digest) ? hash : hex(digest);
    return true;
  }

  private boolean seq(int t) {
    int p = json.start(t);
    int e = json.end(t);
    byte[] b = json.bytes();
    if (e - p > 18) {
      try {
        seq = Long.parseLong(text(t));
        return true;
      } catch (NumberFormatException beyondLong) {
        return false; // the full parse reads it as Jackson does
      }
    }
    boolean negative = b[p] == '-';
    long v = 0;
    for (int i = negative ? p + 1 : p; i < e; i++) {
      v = v * 10 + (b[i] - '0');
    }
    seq = negative ? -v : v;
    return true;
  }

  /** Whether string token {@code t} is {@code digest} in lowercase hex, as HexFormat writes it. */
  private boolean isHexOf(int t, byte[] digest) {
    int p = json.start(t) + 1;
    if (json.end(t) - 1 - p != 2 * digest.length) {
      return false;
    }
    byte[] b = json.bytes();
    for (int i = 0; i < digest.length; i++) {
      if (b[p + 2 * i] != HEX[(digest[i] >> 4) & 0xF] || b[p + 2 * i + 1] != HEX[digest[i] & 0xF]) {
        return false;
      }
    }
    return true;
  }

  /** The canonical body: the hashed members in canonical order. */
  private boolean body(int format) {
    json.put('{');
    boolean first = true;
    for (int f : BODY_ORDER) {
      int v = field[f];
      if (v < 0) {
        continue;
      }
      if (!first) {
        json.put(',');
      }
      first = false;
      json.append(BODY_KEYS[f], 0, BODY_KEYS[f].length);
      if (f == ACTOR && format == 1) {
        v = json.member(v, "subject");
      }
      if (!json.canonical(v)) {
        return false;
      }
    }
    json.put('}');
    return true;
  }

  /** An actor or triggeredBy: an object of subject, name, auth (format 1: subject alone). */
  private boolean person(int t, int members, boolean subjectMayBeNull) {
    if (json.type(t) != JsonTokens.OBJ) {
      return false;
    }
    int count = 0;
    for (int k = t + 1; k < json.next(t); k = json.next(k + 1)) {
      count++;
    }
    if (members == 1) {
      int s = json.member(t, "subject");
      return count == 1 && s >= 0 && stringOrNull(s);
    }
    int s = json.member(t, "subject");
    int n = json.member(t, "name");
    int a = json.member(t, "auth");
    return count == 3
        && s >= 0
        && n >= 0
        && a >= 0
        && (isString(s) || (subjectMayBeNull && json.type(s) == JsonTokens.NULL))
        && stringOrNull(n)
        && json.type(a) == JsonTokens.OBJ;
  }

  /** The field key {@code k} names, trying first the one AuditJson writes next; -1 if none. */
  private int fieldOf(int k, int guess) {
    if (guess < FIELD_KEYS.length && json.sameKey(k, FIELD_KEYS[guess])) {
      return guess;
    }
    for (int f = 0; f < FIELD_KEYS.length; f++) {
      if (json.sameKey(k, FIELD_KEYS[f])) {
        return f;
      }
    }
    return -1;
  }

  private boolean is(int f, byte[] raw) {
    int t = field[f];
    return java.util.Arrays.equals(json.bytes(), json.start(t), json.end(t), raw, 0, raw.length);
  }

  /** A string, with or without escapes (prevHash, hash and occurredAt must have none). */
  private boolean isString(int t) {
    return json.type(t) == JsonTokens.STR || json.type(t) == JsonTokens.ESC;
  }

  private boolean stringOrNull(int t) {
    return isString(t) || json.type(t) == JsonTokens.NULL;
  }

  private boolean objectOrNull(int t) {
    return json.type(t) == JsonTokens.OBJ || json.type(t) == JsonTokens.NULL;
  }

  /** An object whose values are all strings (a source: null values are refused by the record). */
  private boolean stringsOnly(int t) {
    if (json.type(t) != JsonTokens.OBJ) {
      return false;
    }
    for (int k = t + 1; k < json.next(t); k = json.next(k + 1)) {
      if (!isString(k + 1)) {
        return false;
      }
    }
    return true;
  }

  /** "yyyy-MM-ddTHH:mm:ss.SSSSSSZ", a real date and time: what formatTime writes back unchanged. */
  private boolean time(int t) {
    if (json.type(t) != JsonTokens.STR || json.end(t) - json.start(t) != 29) {
      return false;
    }
    int p = json.start(t) + 1;
    for (int i = 0; i < 27; i++) {
      byte c = json.bytes()[p + i];
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
      v = v * 10 + (json.bytes()[p + i] - '0');
    }
    return v;
  }

  private String text(int t) {
    return new String(
        json.bytes(), json.start(t), json.end(t) - json.start(t), StandardCharsets.US_ASCII);
  }

  private String unquoted(int t) {
    return new String(
        json.bytes(),
        json.start(t) + 1,
        json.end(t) - json.start(t) - 2,
        StandardCharsets
            .UTF_8); // well-formed (JsonTokens checked), so decoded as the full parse does
  }

  private static String hex(byte[] digest) {
    byte[] h = new byte[digest.length * 2];
    for (int i = 0; i < digest.length; i++) {
      h[2 * i] = HEX[(digest[i] >> 4) & 0xF];
      h[2 * i + 1] = HEX[digest[i] & 0xF];
    }
    return new String(h, StandardCharsets.ISO_8859_1);
  }
}
