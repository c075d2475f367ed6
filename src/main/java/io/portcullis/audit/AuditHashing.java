package io.portcullis.audit;

import io.portcullis.platform.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an event is hashed into the chain.
 *
 * <p>Format 3 (every event written since {@code triggeredBy} was added):
 *
 * <pre>
 * hash = lowercase hex of SHA-256( UTF-8(prevHash) || UTF-8(canonical JSON of
 *   {"actor":{"auth":{"acr":…,"amr":[…],"method":…},"name":…,"subject":…}, "details":{…},
 *    "occurredAt":"yyyy-MM-ddTHH:mm:ss.SSSSSSZ", "policyVersion":…, "prevHash":…, "requestId":…,
 *    "seq":n, "source":{"address":"hmac-sha256:…","userAgent":…}, "targets":{…},
 *    "triggeredBy":{"auth":{…},"name":…,"subject":…} or null, "type":…, "v":3}) )
 * </pre>
 *
 * Format 2: the same without {@code triggeredBy} and with {@code "v":2} (a system actor then
 * carried the caller's name and authentication). Format 1 (the first releases): format 2 without
 * {@code policyVersion}, {@code requestId} and {@code source}, with {@code "actor"} the subject
 * string and {@code "v":1}. An absent value is JSON {@code null}; {@code auth} and {@code source}
 * are {@code {}} for system events. The genesis {@code prevHash} is 64 zeros. Canonical JSON is
 * described in {@link CanonicalJson}. Anyone can recompute a hash from an exported event with this
 * description alone.
 */
public final class AuditHashing {

  public static final String GENESIS = "0".repeat(64);
  public static final int FORMAT_VERSION = AuditContext.CURRENT_FORMAT;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private AuditHashing() {}

  /**
   * The canonical JSON that the hash of {@code r} covers, in its {@link AuditRecord#format()
   * format} (without the previous hash prefix); {@code r.hash()} is not read.
   */
  public static String canonicalBody(AuditRecord r) {
    AuditContext context = r.context();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("v", r.format());
    body.put("seq", r.seq());
    body.put("occurredAt", formatTime(r.occurredAt()));
    body.put("type", r.type());
    body.put("actor", context == null ? r.actorSubject() : actor(r.actorSubject(), context));
    body.put("targets", r.targets());
    body.put("details", r.details());
    if (context != null) {
      body.put("policyVersion", context.policyVersion());
      body.put("requestId", context.requestId());
      body.put("source", context.source());
      if (context.format() >= 3) {
        body.put(
            "triggeredBy", context.triggeredBy() == null ? null : context.triggeredBy().toMap());
      }
    }
    body.put("prevHash", r.prevHash());
    return CanonicalJson.write(body);
  }

  /**
   * The canonical body of an event of format 2 or 3 from its parts, the JSON ones ({@code
   * authJson}, {@code targetsJson}, {@code detailsJson}, {@code sourceJson}, {@code
   * triggeredByJson}, null for none) as {@link CanonicalJson#write} gave them: equal to {@link
   * #canonicalBody(AuditRecord)} of the record they describe, without parsing them.
   */
  public static String canonicalBody(
      int format,
      long seq,
      Instant occurredAt,
      String type,
      String actorSubject,
      String actorName,
      String authJson,
      String targetsJson,
      String detailsJson,
      String policyVersion,
      String requestId,
      String sourceJson,
      String triggeredByJson,
      String prevHash) {
    if (format < 2) {
      throw new IllegalArgumentException("format 1 has no context: hash the record");
    }
    Map<String, Object> actor = new LinkedHashMap<>();
    actor.put("subject", actorSubject);
    actor.put("name", actorName);
    actor.put("auth", new CanonicalJson.Raw(authJson));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("v", format);
    body.put("seq", seq);
    body.put("occurredAt", formatTime(occurredAt));
    body.put("type", type);
    body.put("actor", actor);
    body.put("targets", new CanonicalJson.Raw(targetsJson));
    body.put("details", new CanonicalJson.Raw(detailsJson));
    body.put("policyVersion", policyVersion);
    body.put("requestId", requestId);
    body.put("source", new CanonicalJson.Raw(sourceJson));
    if (format >= 3) {
      body.put(
          "triggeredBy", triggeredByJson == null ? null : new CanonicalJson.Raw(triggeredByJson));
    }
    body.put("prevHash", prevHash);
    return CanonicalJson.write(body);
  }

  /** {@code sha256Hex(prevHash + body)}: the hash of an event whose canonical body is given. */
  public static String chainedHash(String prevHash, String canonicalBody) {
    return sha256Hex(prevHash + canonicalBody);
  }

  /** The actor of a format 2 or 3 record: subject, name and authentication. */
  private static Map<String, Object> actor(String subject, AuditContext context) {
    Map<String, Object> actor = new LinkedHashMap<>();
    actor.put("subject", subject);
    actor.put("name", context.actorName());
    actor.put("auth", context.auth());
    return actor;
  }

  /**
   * The hash {@code r} should carry: its content chained to its {@code prevHash}, in its format;
   * {@code r.hash()} is not read.
   */
  public static String expectedHash(AuditRecord r) {
    return sha256Hex(r.prevHash() + canonicalBody(r));
  }

  /** Time as hashed: UTC, exactly six fractional digits. */
  public static String formatTime(Instant t) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
    if (d.getYear() < 0 || d.getYear() > 9999) {
      return TIME.format(t.truncatedTo(ChronoUnit.MICROS));
    }
    // by hand: every export line, hash and verification formats one, and the formatter's general
    // machinery was a quarter of writing an export line (JFR)
    char[] c = new char[27];
    digits(c, 0, d.getYear(), 4);
    c[4] = '-';
    digits(c, 5, d.getMonthValue(), 2);
    c[7] = '-';
    digits(c, 8, d.getDayOfMonth(), 2);
    c[10] = 'T';
    digits(c, 11, d.getHour(), 2);
    c[13] = ':';
    digits(c, 14, d.getMinute(), 2);
    c[16] = ':';
    digits(c, 17, d.getSecond(), 2);
    c[19] = '.';
    digits(c, 20, d.getNano() / 1000, 6);
    c[26] = 'Z';
    return new String(c);
  }

  private static void digits(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  static String sha256Hex(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
