package io.portcullis.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThrottledReadingTest {

  @Test
  void readsFirstThenAtMostOncePerPeriod() {
    MovableClock clock = MovableClock.at(Instant.parse("2026-12-04T10:00:00Z"));
    AtomicInteger reads = new AtomicInteger();
    ThrottledReading r =
        new ThrottledReading(clock, Duration.ofSeconds(15), reads::incrementAndGet);
    assertThat(r.get()).isEqualTo(1.0);
    clock.advance(Duration.ofSeconds(14));
    assertThat(r.get()).isEqualTo(1.0);
    clock.advance(Duration.ofSeconds(1));
    assertThat(r.get()).isEqualTo(2.0);
    assertThat(reads).hasValue(2);
  }
}
