package io.portcullis.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  final Backoff revocation = new Backoff(Duration.ofSeconds(20), Duration.ofMinutes(5));

  @Test
  void doublesFromTheInitialDelayUpToTheCap() {
    assertThat(revocation.after(1, 0.5)).isEqualTo(Duration.ofSeconds(20));
    assertThat(revocation.after(2, 0.5)).isEqualTo(Duration.ofSeconds(40));
    assertThat(revocation.after(3, 0.5)).isEqualTo(Duration.ofSeconds(80));
    assertThat(revocation.after(4, 0.5)).isEqualTo(Duration.ofSeconds(160));
    assertThat(revocation.after(5, 0.5)).isEqualTo(Duration.ofMinutes(5));
    assertThat(revocation.after(60, 0.5)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void sixRevocationTriesSpanAboutTenMinutes() {
    Duration total = Duration.ZERO;
    for (int failures = 1; failures <= 5; failures++) {
      total = total.plus(revocation.after(failures, 0.5));
    }
    assertThat(total).isEqualTo(Duration.ofSeconds(600));
    Duration fastest = Duration.ZERO;
    Duration slowest = Duration.ZERO;
    for (int failures = 1; failures <= 5; failures++) {
      fastest = fastest.plus(revocation.after(failures, 0.0));
      slowest = slowest.plus(revocation.after(failures, 0.999999));
    }
    assertThat(fastest).isEqualTo(Duration.ofSeconds(480));
    assertThat(slowest).isBetween(Duration.ofSeconds(719), Duration.ofSeconds(720));
  }

  @Test
  void jitterSpreadsByTwentyPercentEachWay() {
    assertThat(revocation.after(1, 0.0)).isEqualTo(Duration.ofSeconds(16));
    assertThat(revocation.after(1, 1.0)).isEqualTo(Duration.ofSeconds(24));
    assertThat(revocation.after(1, 7.0)).isEqualTo(Duration.ofSeconds(24));
  }

  @Test
  void aProvidersRetryAfterIsAFloor() {
    assertThat(revocation.after(1, 0.5, Duration.ofMinutes(2))).isEqualTo(Duration.ofMinutes(2));
    assertThat(revocation.after(1, 0.5, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(20));
    assertThat(revocation.after(1, 0.5, null)).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void nonsenseIsRefused() {
    assertThatThrownBy(() -> revocation.after(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
