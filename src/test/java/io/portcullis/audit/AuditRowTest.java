package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A pending event is hashed from its canonical JSON texts as they are (ADR 0014): the hash must be
 * the one {@link AuditHashing#expectedHash} gives the record those texts describe, which is what
 * every verifier recomputes.
 */
class AuditRowTest {

  static final String[] AWKWARD = {
    "",
    "plain",
    "quote \" and backslash \\",
    "tab\tnew\nline\r",
    "\u0001\u001f control",
    "ünïcödé ✓ 𝄞",
    "</script>",
    "{\"not\":\"json\"}",
    "null"
  };

  static String any(SplittableRandom r) {
    return AWKWARD[r.nextInt(AWKWARD.length)] + r.nextInt(1000);
  }

  static AuditEvent event(SplittableRandom r) {
    Map<String, String> targets = new LinkedHashMap<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      targets.put("kind" + r.nextInt(100), any(r));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("zeta", any(r));
    details.put("alpha", r.nextLong());
    details.put("list", List.of(any(r), r.nextInt(), true, Map.of("k", any(r))));
    details.put("none", null);
    details.put("nested", Map.of("b", 1, "a", List.of()));
    details.put(any(r), r.nextBoolean());
    return new AuditEvent("test.row_" + r.nextInt(5), "subject-" + any(r), targets, details);
  }

  static AuditContext context(SplittableRandom r) {
    Map<String, Object> auth = AuditContext.auth("oidc", any(r), List.of("pwd", any(r)));
    Map<String, String> source = r.nextBoolean() ? Map.of() : Map.of("userAgent", any(r));
    return switch (r.nextInt(3)) {
      case 0 -> AuditContext.system(r.nextBoolean() ? null : "f".repeat(64));
      case 1 -> new AuditContext(any(r), auth, "a".repeat(64), any(r), source);
      default ->
          new AuditContext(
              null,
              Map.of(),
              "b".repeat(64),
              any(r),
              source,
              new AuditContext.Person("caller-" + any(r), r.nextBoolean() ? null : any(r), auth),
              3);
    };
  }

  @Test
  void aRowChainedFromItsTextsHasTheHashOfTheRecordTheyDescribe() {
    SplittableRandom r = new SplittableRandom(20261205);
    String prev = AuditHashing.GENESIS;
    List<AuditRow> rows = new ArrayList<>();
    for (int i = 1; i <= 2_000; i++) {
      AuditEvent e = event(r);
      AuditContext c = context(r);
      Instant at =
          Instant.ofEpochSecond(1_700_000_000L + r.nextInt(100_000_000), r.nextInt(1_000_000_000));
      Instant backdated = r.nextInt(10) == 0 ? at.minusSeconds(86_400) : null;
      AuditRow row = AuditRow.of(e, c, backdated).chained(i, at, prev);
      AuditRecord record = row.toRecord();
      assertThat(record.targets()).isEqualTo(e.targets());
      assertThat(record.type()).isEqualTo(e.type());
      assertThat(record.seq()).isEqualTo(i);
      assertThat(record.occurredAt())
          .isEqualTo(
              (backdated != null ? backdated : at)
                  .truncatedTo(java.time.temporal.ChronoUnit.MICROS));
      assertThat(row.hash()).as("row %d", i).isEqualTo(AuditHashing.expectedHash(record));
      prev = row.hash();
      rows.add(row);
    }
    // and the rows make a chain the verifier accepts
    AuditChainVerifier verifier = new AuditChainVerifier(1, AuditHashing.GENESIS);
    rows.forEach(row -> verifier.accept(row.toRecord()));
    verifier.acceptHead(rows.size(), prev);
    assertThat(verifier.result().intact()).as(verifier.result().problem()).isTrue();
  }
}
