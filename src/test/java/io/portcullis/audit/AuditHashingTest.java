package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written time format is the hashed format: UTC, six fractional digits, truncated. */
class AuditHashingTest {

  static final DateTimeFormatter PATTERN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  static String expected(Instant t) {
    return PATTERN.format(t.truncatedTo(ChronoUnit.MICROS));
  }

  @Test
  void formatsAsThePatternDoesAtTheEdges() {
    List<Instant> edges =
        List.of(
            Instant.EPOCH,
            Instant.parse("1969-12-31T23:59:59.999999999Z"),
            Instant.parse("1960-02-29T12:00:00.000001Z"),
            Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("2026-12-04T19:05:00.123456789Z"),
            Instant.parse("2028-02-29T23:59:59.999999Z"),
            Instant.parse("9999-12-31T23:59:59.999999999Z"),
            Instant.parse("+10000-01-01T00:00:00Z"));
    for (Instant t : edges) {
      assertThat(AuditHashing.formatTime(t)).as("%s", t).isEqualTo(expected(t));
    }
    assertThat(AuditHashing.formatTime(Instant.parse("2026-12-04T19:05:00.0000009Z")))
        .isEqualTo("2026-12-04T19:05:00.000000Z");
  }

  @Test
  void formatsAsThePatternDoesAcrossCenturies() {
    SplittableRandom random = new SplittableRandom(20261204);
    long from = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("2200-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(from, to), random.nextInt(1_000_000_000));
      assertThat(AuditHashing.formatTime(t)).isEqualTo(expected(t));
    }
  }
}
