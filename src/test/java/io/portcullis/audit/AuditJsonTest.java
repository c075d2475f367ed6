package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The export line written member by member ({@link AuditJson#write}) is byte for byte the line the
 * record's map gives through Jackson, in every format, with escapes, non-ASCII text, nulls and
 * nested values; and it reads back to the same record.
 */
class AuditJsonTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant AT = Instant.parse("2026-03-01T10:15:30.123456Z");

  static List<AuditRecord> records() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("reason", "line\nbreak \"quoted\" back\\slash \u0001 tab\t é 漢字 \uD83D\uDE00");
    details.put("minutes", 60);
    details.put("ratio", 0.25);
    details.put("big", 12345678901234L);
    details.put("flag", true);
    details.put("none", null);
    details.put("list", List.of("a", 2, Map.of("k", "v")));
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("method", "oidc");
    auth.put("amr", List.of("pwd", "otp"));
    Map<String, String> source = new LinkedHashMap<>();
    source.put("ip", "203.0.113.7");
    source.put("userAgent", "curl/8 \u00e9");
    AuditContext.Person by = new AuditContext.Person("sub-bob", "Bob \u00d8", Map.of("m", "x"));
    List<AuditRecord> rs = new ArrayList<>();
    rs.add(
        new AuditRecord(
            1,
            AT,
            "request.submitted",
            "sub-1",
            Map.of("request", "r1"),
            details,
            "0",
            "h1",
            null));
    rs.add(
        new AuditRecord(
            2,
            AT,
            "request.approved",
            "sub-2",
            Map.of("request", "r2"),
            Map.of(),
            "h1",
            "h2",
            new AuditContext("Alice", auth, "pv1", "req-1", source, null, 2)));
    rs.add(
        new AuditRecord(
            3,
            AT,
            "grant.revoked",
            "system",
            Map.of("grant", "g3", "request", "r3"),
            details,
            "h2",
            "h3",
            new AuditContext(null, Map.of(), null, null, Map.of(), by, 3)));
    rs.add(
        new AuditRecord(
            4,
            AT,
            "grant.active",
            "sub-4",
            Map.of(),
            details,
            "h3",
            "h4",
            new AuditContext("Dana", auth, "pv2", "req-4", source, null, 3)));
    return rs;
  }

  @Test
  void theLineIsTheMapsLineByteForByte() throws Exception {
    for (AuditRecord r : records()) {
      String expected = JSON.writeValueAsString(AuditJson.toMap(r));
      assertThat(AuditJson.line(r)).as("format %d", r.format()).isEqualTo(expected);
      assertThat(AuditJson.fromMap(AuditJson.parse(AuditJson.line(r)))).isEqualTo(r);
    }
  }

  @Test
  void theLinesGeneratorWritesUtf8LinesWithoutSeparatorsAndLeavesTheStreamOpen() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder expected = new StringBuilder("{\"kind\":\"export\"}\n");
    JsonGenerator g = AuditJson.lines(out);
    g.writeRaw("{\"kind\":\"export\"}");
    g.writeRaw('\n');
    for (AuditRecord r : records()) {
      AuditJson.write(r, g);
      g.writeRaw('\n');
      expected.append(JSON.writeValueAsString(AuditJson.toMap(r))).append('\n');
    }
    g.flush();
    out.write('x'); // still open
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected + "x");
  }
}
