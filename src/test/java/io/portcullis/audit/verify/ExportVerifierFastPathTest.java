package io.portcullis.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditContext;
import io.portcullis.audit.AuditHashing;
import io.portcullis.audit.AuditJson;
import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.Ed25519Keys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier's fast path ({@link EventLineHasher}, reading event lines straight from their bytes)
 * against the full parse ({@link ParsedLines#parse}, AuditJson + AuditHashing): on every line it
 * takes it must hash exactly the text AuditHashing hashes, and on every line it refuses the full
 * parse decides.
 */
class ExportVerifierFastPathTest {

  static final Instant T = Instant.parse("2026-11-26T08:00:00.123456Z");

  static Map<String, Object> details() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("zeta", "last");
    d.put("entitlements", List.of("db-readonly", "k8s-logs"));
    d.put("start", null);
    d.put("breakGlass", false);
    d.put("approved", true);
    d.put("n", 42);
    d.put("big", Long.MIN_VALUE + 1);
    d.put("bigger", new java.math.BigInteger("9999999999999999999"));
    d.put("zero", 0);
    d.put("neg", -7);
    d.put("nested", Map.of("b", List.of(Map.of("y", 1, "x", List.of())), "a", Map.of()));
    d.put("Upper", "sorted before lower case");
    d.put("a_b", "underscore sorts after capitals");
    d.put("empty", "");
    return d;
  }

  /** One record of every shape AuditJson writes. */
  static List<AuditRecord> records() {
    Map<String, Object> auth = AuditContext.auth("oidc", "phr", List.of("pwd", "otp"));
    Map<String, String> source = new LinkedHashMap<>();
    source.put("userAgent", "curl/8");
    source.put("address", "hmac-sha256:abc:0123");
    AuditContext.Person caller = new AuditContext.Person("u-9", "Bob", auth);
    List<AuditRecord> out = new ArrayList<>();
    String prev = AuditHashing.GENESIS;
    List<AuditContext> contexts =
        List.of(
            new AuditContext("Alice", auth, "policy-v1", "req-1", source),
            AuditContext.system("policy-v1"),
            new AuditContext(null, Map.of(), null, null, Map.of()),
            new AuditContext(null, Map.of(), "p", "r", source, caller, 3),
            new AuditContext(
                null, Map.of(), "p", "r", source, new AuditContext.Person("u-8", null, null), 3),
            new AuditContext("Alice", auth, "policy-v1", "req-2", source, null, 2),
            new AuditContext(null, Map.of(), null, null, Map.of(), null, 2));
    long seq = 1;
    for (AuditContext c : contexts) {
      out.add(record(seq++, prev, "u-1", Map.of("request", "r-1"), details(), c));
    }
    out.add(record(seq++, prev, "system:scheduler", Map.of(), Map.of(), null)); // format 1
    out.add(record(seq++, prev, null, Map.of("a", "b", "c", "d"), details(), null));
    out.add(record(seq++, prev, "u-1", null, null, AuditContext.system(null)));
    out.add(record(-3, prev, "u-1", Map.of(), Map.of(), AuditContext.system("x")));
    // text Jackson escapes: quotes, backslashes, control characters
    out.add(
        record(
            seq++,
            prev,
            "u \"q\"",
            Map.of("r", "a\\b"),
            Map.of("why", "line\nbreak \"and\" back\\slash\t\u0007\u001f\b\f\r/"),
            new AuditContext("N \"x\"", Map.of("m", "\t"), "p\n", "r", source)));
    // text beyond ASCII: 2, 3 and 4 byte UTF-8, a noncharacter, a line separator
    Map<String, Object> unicode = new LinkedHashMap<>(details());
    unicode.put("note", "Zoë Müller, 日本語, 😀🔐, \uFFFF, \u2028, ¡ñ!");
    out.add(
        record(
            seq++,
            prev,
            "Zoë",
            Map.of("request", "ü-1"),
            unicode,
            new AuditContext(
                "José Müller", Map.of("method", "oidc", "acr", "ñ"), "p", "r", source)));
    out.add(
        new AuditRecord(
                seq,
                Instant.parse("2028-02-29T23:59:59.999999Z"),
                "leap.day",
                "u",
                Map.of(),
                Map.of(),
                prev,
                null,
                AuditContext.system("p"))
            .hashed());
    return out;
  }

  static AuditRecord record(
      long seq,
      String prev,
      String subject,
      Map<String, String> targets,
      Map<String, Object> details,
      AuditContext context) {
    return new AuditRecord(
            seq,
            T.plusMillis(seq),
            "request.submitted",
            subject,
            targets,
            details,
            prev,
            null,
            context)
        .hashed();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyFormatIsHashedFromItsBytesExactlyAsAuditHashingHashesIt() {
    EventLineHasher fast = new EventLineHasher();
    List<AuditRecord> all = records();
    assertThat(all).extracting(AuditRecord::format).contains(1, 2, 3);
    for (AuditRecord r : all) {
      String line = AuditJson.line(r);
      byte[] b = utf8(line + "\n");
      assertThat(fast.read(b, 0, b.length)).as(line).isTrue();
      assertThat(fast.hashedText()).isEqualTo(r.prevHash() + AuditHashing.canonicalBody(r));
      assertThat(fast.expectedHash()).isEqualTo(AuditHashing.expectedHash(r)).isEqualTo(r.hash());
      assertThat(fast.seq()).isEqualTo(r.seq());
      assertThat(fast.prevHash()).isEqualTo(r.prevHash());
      assertThat(fast.hash()).isEqualTo(r.hash());
      assertThat(fast.lineEnd()).isEqualTo(b.length);
    }
  }

  @Test
  void membersInAnotherOrderAndWhiteSpaceStillGiveTheSameHash() {
    AuditRecord r = records().get(0);
    String line = AuditJson.line(r);
    Map<String, Object> m = AuditJson.parse(line);
    List<String> keys = new ArrayList<>(m.keySet());
    java.util.Collections.reverse(keys);
    Map<String, Object> reversed = new LinkedHashMap<>();
    keys.forEach(k -> reversed.put(k, m.get(k)));
    String spaced = spaced(toJson(reversed));
    assertSameAsFullParse(spaced, true);
  }

  /** {@code json} with blanks and tabs around its structural characters. */
  static String spaced(String json) {
    StringBuilder out = new StringBuilder();
    boolean inString = false;
    for (char c : json.toCharArray()) {
      if (c == '"') {
        inString = !inString; // AuditJson's lines here hold no escaped quote
      }
      boolean structural = !inString && "{}[],:".indexOf(c) >= 0;
      out.append(structural ? " " + c + "\t" : String.valueOf(c));
    }
    return " " + out + " ";
  }

  /**
   * Escapes of characters below 0x80, in whichever form, are written as CanonicalJson writes them.
   */
  @Test
  void escapedTextIsWrittenCanonically() {
    String line = AuditJson.line(records().get(0));
    for (String text :
        List.of(
            "Zoë \\\"quoted\\\"\\n\\u0001 😀",
            "\\u0041\\u007f\\u001F\\u001f\\/\\b\\f\\r\\t\\\\ \\u0022 \\u005C \\u000A",
            "\\u0000")) {
      assertSameAsFullParse(line.replace("\"zeta\":\"last\"", "\"zeta\":\"" + text + "\""), true);
    }
  }

  /** Lines the fast path must leave to the full parse, which decides as it always did. */
  @Test
  void whatTheFastPathDoesNotTakeIsParsedInFull() {
    AuditRecord r = records().get(0);
    String line = AuditJson.line(r);
    List<String> refused =
        List.of(
            // escapes beyond 0x80, in a key, or that JSON does not have
            line.replace("\"zeta\":\"last\"", "\"zeta\":\"\\u00e9\""),
            line.replace("\"zeta\":\"last\"", "\"zeta\":\"\\ud83d\\ude00\""),
            line.replace("\"zeta\":\"last\"", "\"zeta\":\"\\x41\""),
            line.replace("\"zeta\":\"last\"", "\"zeta\":\"\\u00g1\""),
            line.replace("\"zeta\":\"last\"", "\"z\\u0065ta\":\"last\""),
            line.replace("\"occurredAt\":\"2026", "\"occurredAt\":\"\\u0032026"),
            line.replace("\"prevHash\":\"0", "\"prevHash\":\"\\u0030"),
            line.replace("\"zeta\":", "\"clé\":"), // a key beyond ASCII
            line.replace("\"n\":42", "\"n\":4.2"),
            line.replace("\"n\":42", "\"n\":4e2"),
            line.replace("\"n\":42", "\"n\":042"),
            line.replace("\"n\":42", "\"n\":-0"),
            line.replace("\"n\":42", "\"n\":123456789012345678901"),
            line.replace("\"seq\":1,", "\"seq\":9223372036854775808,"),
            line.replace("\"zeta\":\"last\"", "\"zeta\":\"last\",\"zeta\":\"again\""),
            line.replace("\"kind\":\"event\",", "\"kind\":\"event\",\"extra\":1,"),
            line.replace("\"requestId\":\"req-1\",", ""),
            line.replace("\"format\":3", "\"format\":2"),
            line.replace("\"format\":3", "\"format\":4"),
            line.replace(".123456Z", ".123Z").replace(".124456Z", ".124Z"),
            line.replaceFirst("\"occurredAt\":\"2026-11-26", "\"occurredAt\":\"2026-02-30"),
            line.replaceFirst("\"occurredAt\":\"2026-11-26T08", "\"occurredAt\":\"2026-11-26T24"),
            line.replaceFirst("\"auth\":\\{[^}]*\\}", "\"auth\":null"),
            line.replace("\"userAgent\":\"curl/8\"", "\"userAgent\":null"),
            line.replace("\"triggeredBy\":null", "\"triggeredBy\":{\"subject\":null}"),
            line.replace("\"triggeredBy\":null", "\"triggeredBy\":{\"name\":\"x\",\"auth\":{}}"),
            line.replace("\"seq\":1,", "\"seq\":\"1\","),
            line.replace("\"type\":\"request.submitted\"", "\"type\":7"),
            with(r, "details", "a string"),
            with(r, "details", List.of(1, 2)),
            with(r, "targets", 5),
            with(r, "source", null),
            with(r, "actor", "u-1"),
            with(r, "prevHash", null),
            with(r, "hash", 7),
            line + " trailing",
            line + "}",
            line.substring(0, line.length() - 1),
            "{\"kind\":\"checkpoint\"}",
            "{\"kind\":\"gossip\"}",
            "   ",
            "",
            "[1,2]",
            "nul",
            "{\"kind\":\"event\",\"format\":3,\"seq\":1,\"x\":"
                + "[".repeat(40)
                + "]".repeat(40)
                + "}");
    for (String l : refused) {
      assertSameAsFullParse(l, false);
    }
  }

  /** Bytes that are not well-formed UTF-8 in a string: unreadable either way. */
  @Test
  void malformedUtf8IsLeftToTheStrictDecoder() {
    String line = AuditJson.line(records().get(0));
    int at = line.indexOf("last") + 2;
    byte[][] bad = {
      {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
      {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
      {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0x80}, // a continuation alone
      {(byte) 0xE2, (byte) 0x82}, // cut short
      {(byte) 0xFF}
    };
    for (byte[] b : bad) {
      byte[] head = utf8(line.substring(0, at));
      byte[] tail = utf8(line.substring(at) + "\n");
      byte[] all = new byte[head.length + b.length + tail.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(b, 0, all, head.length, b.length);
      System.arraycopy(tail, 0, all, head.length + b.length, tail.length);
      assertThat(new EventLineHasher().read(all, 0, all.length)).isFalse();
      assertThat(ParsedLines.lines(all, all.length, false))
          .extracting(ParsedLines.Line::kind)
          .containsExactly(ParsedLines.Kind.UNREADABLE);
      assertThat(ParsedLines.lines(all, all.length, true))
          .extracting(ParsedLines.Line::kind)
          .containsExactly(ParsedLines.Kind.UNREADABLE);
    }
  }

  /** Random edits of valid lines: whatever the fast path takes, it hashes as the full parse. */
  @Test
  void randomEditsOfValidLinesAreReadAsTheFullParseReadsThem() {
    Random random = new Random(20261204);
    List<String> lines = records().stream().map(AuditJson::line).toList();
    String alphabet = "{}[]\",:0123456789-.eE \tnulltruefalse\\abcXYZéü日😀";
    int fast = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder(lines.get(random.nextInt(lines.size())));
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        int at = random.nextInt(s.length());
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> s.setCharAt(at, c);
          case 1 -> s.insert(at, c);
          default -> s.deleteCharAt(at);
        }
      }
      if (assertSameAsFullParse(s.toString(), null)) {
        fast++;
      }
    }
    // many edits (inside strings, digits for digits) leave a line the fast path still takes
    assertThat(fast).isGreaterThan(1_000);
  }

  /**
   * Checks that the fast path gives what the full parse gives for {@code line}.
   *
   * @param taken whether the fast path must take it (null: either)
   * @return whether it took it
   */
  static boolean assertSameAsFullParse(String line, Boolean taken) {
    byte[] b = utf8(line + "\n");
    boolean took = new EventLineHasher().read(b, 0, b.length);
    if (taken != null) {
      assertThat(took).as("fast path takes: " + line).isEqualTo(taken);
    }
    List<ParsedLines.Line> viaFast = ParsedLines.lines(b, b.length, false);
    List<ParsedLines.Line> full = ParsedLines.lines(b, b.length, true);
    assertThat(viaFast).hasSize(1);
    assertThat(full).hasSize(1);
    ParsedLines.Line f = viaFast.get(0);
    ParsedLines.Line p = full.get(0);
    assertThat(f.kind()).as(line).isEqualTo(p.kind());
    assertThat(f.seq()).as(line).isEqualTo(p.seq());
    assertThat(f.prevHash()).as(line).isEqualTo(p.prevHash());
    assertThat(f.hash()).as(line).isEqualTo(p.hash());
    assertThat(f.expectedHash()).as(line).isEqualTo(p.expectedHash());
    assertThat(f.problem()).as(line).isEqualTo(p.problem());
    return took;
  }

  /** The line of {@code r} with member {@code key} set to {@code value}. */
  static String with(AuditRecord r, String key, Object value) {
    Map<String, Object> m = AuditJson.toMap(r);
    m.put(key, value);
    return toJson(m);
  }

  static String toJson(Object o) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(o);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ whole files, as bytes

  static ExportVerifier.Report verifyBytes(byte[] file) throws Exception {
    ExportVerifier v = new ExportVerifier(ExportVerifierTest.KEYS);
    v.file("the export", new ByteArrayInputStream(file));
    return v.report();
  }

  static byte[] file(List<String> lines, String eol) {
    return utf8(String.join(eol, lines) + eol);
  }

  @Test
  void chunkEdgesLineEndingsAndLongLinesChangeNothing() throws Exception {
    int n = (int) (3L * ExportChunks.CHUNK / 600) + 50;
    List<String> lines = ExportVerifierTest.export(n, 50);
    for (String eol : List.of("\n", "\r\n", "\r")) {
      ExportVerifier.Report r = verifyBytes(file(lines, eol));
      assertThat(r.intact()).as(eol + ": " + r.summary()).isTrue();
      assertThat(r.events()).isEqualTo(n);
    }
    byte[] noFinalNewline = utf8(String.join("\n", lines));
    assertThat(verifyBytes(noFinalNewline).intact()).isTrue();

    // an altered event on every chunk edge is found at its seq, and named by its line
    byte[] intact = file(lines, "\n");
    for (int edge = ExportChunks.CHUNK; edge < intact.length; edge += ExportChunks.CHUNK) {
      int lineStart = edge;
      while (intact[lineStart - 1] != '\n') {
        lineStart--;
      }
      int index = lineIndexAt(intact, lineStart);
      if (!lines.get(index).startsWith("{\"kind\":\"event\"")) {
        continue;
      }
      long seq = ((Number) AuditJson.parse(lines.get(index)).get("seq")).longValue();
      List<String> altered = new ArrayList<>(lines);
      altered.set(index, altered.get(index).replace("\"PT1H\"", "\"PT9H\""));
      ExportVerifier.Report r = verifyBytes(file(altered, "\n"));
      assertThat(r.firstBadSeq()).as("edge " + edge).isEqualTo(seq);
      assertThat(r.problem()).contains("altered");
      altered.set(index, "{\"kind\":\"event\",");
      assertThat(verifyBytes(file(altered, "\n")).problem())
          .startsWith("line " + (index + 1) + " is not JSON");
    }

    // a line longer than a chunk
    List<String> big = ExportVerifierTest.export(3, 3);
    AuditRecord r1 = ExportVerifierTest.record(1, AuditHashing.GENESIS);
    Map<String, Object> d = new LinkedHashMap<>(r1.details());
    d.put("long", "x".repeat(3 * ExportChunks.CHUNK));
    AuditRecord longOne =
        new AuditRecord(
                1,
                r1.occurredAt(),
                r1.type(),
                r1.actorSubject(),
                r1.targets(),
                d,
                r1.prevHash(),
                null,
                r1.context())
            .hashed();
    big.set(1, AuditJson.line(longOne));
    ExportVerifier.Report r = verifyBytes(file(big, "\n"));
    assertThat(r.firstBadSeq()).isEqualTo(2); // event 2 links to the original event 1
    assertThat(r.problem()).contains("prev_hash");
  }

  /** The verdict of the full parse on the same file: the path a caller wanting records takes. */
  static ExportVerifier.Report verifyInFull(byte[] file) throws Exception {
    ExportVerifier v = new ExportVerifier(ExportVerifierTest.KEYS);
    v.file(
        "the export",
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                new ByteArrayInputStream(file), StandardCharsets.UTF_8.newDecoder())),
        e -> {});
    return v.report();
  }

  /**
   * Tampering of every kind (a byte changed, a line removed, two lines swapped, a checkpoint's
   * signature altered) gives the verdict the full parse gives: the same first bad seq, the same
   * problem, the same counts.
   */
  @Test
  void everyTamperingGetsTheVerdictOfTheFullParse() throws Exception {
    List<String> lines = ExportVerifierTest.export(40, 10);
    byte[] intact = file(lines, "\n");
    Random random = new Random(7);
    String bytes = "0123456789abcdefxyz\"{}[],: -.\\";
    List<byte[]> tampered = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] t = intact.clone();
      int at = lines.get(0).length() + 1 + random.nextInt(t.length - lines.get(0).length() - 2);
      t[at] = (byte) bytes.charAt(random.nextInt(bytes.length()));
      tampered.add(t);
    }
    for (int i = 1; i < lines.size(); i++) {
      List<String> removed = new ArrayList<>(lines);
      removed.remove(i);
      tampered.add(file(removed, "\n"));
      if (i + 1 < lines.size()) {
        List<String> swapped = new ArrayList<>(lines);
        java.util.Collections.swap(swapped, i, i + 1);
        tampered.add(file(swapped, "\n"));
      }
    }
    List<String> badSignature = new ArrayList<>(lines);
    int cp = ExportVerifierTest.checkpointLine(badSignature, 20);
    badSignature.set(
        cp, badSignature.get(cp).replaceFirst("\"signature\":\"(.)", "\"signature\":\"A"));
    tampered.add(file(badSignature, "\n"));
    int caught = 0;
    for (byte[] t : tampered) {
      ExportVerifier.Report fast = verifyBytes(t);
      ExportVerifier.Report full = verifyInFull(t);
      assertThat(fast).as(new String(t, StandardCharsets.UTF_8)).isEqualTo(full);
      if (!fast.intact()) {
        caught++;
      }
    }
    assertThat(caught).isGreaterThan(tampered.size() * 9 / 10);
    assertThat(verifyBytes(intact)).isEqualTo(verifyInFull(intact));
    assertThat(verifyBytes(intact).intact()).isTrue();
  }

  static int lineIndexAt(byte[] file, int offset) {
    int index = 0;
    for (int i = 0; i < offset; i++) {
      if (file[i] == '\n') {
        index++;
      }
    }
    return index;
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedAsUnreadable(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("key.pub");
    Files.writeString(key, Ed25519Keys.pem(ExportVerifierTest.KEY.getPublic()));
    List<String> lines = ExportVerifierTest.export(20, 10);
    byte[] good = file(lines, "\n");
    int at = new String(good, StandardCharsets.UTF_8).indexOf("PT1H", good.length / 2);
    byte[] bad = good.clone();
    bad[at] = (byte) 0xC3; // a lead byte without its continuation
    Path file = dir.resolve("bad.jsonl");
    Files.write(file, bad);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        VerifyMain.run(
            new String[] {"verify", file.toString(), "--public-key", key.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(ExportVerifier.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read");
  }
}
