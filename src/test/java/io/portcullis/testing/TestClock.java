package io.portcullis.testing;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The application clock in tests: system time, unless a test pins it. Replaces the production
 * {@code Clock} bean; tests that pin it must {@link #reset()} afterwards. Fakes that run beside the
 * application ({@code FakeAwsResource}, {@code FakeS3Resource}, {@code FakeVaultResource}) take a
 * {@code new TestClock()}, so a pinned time holds for them too.
 */
public final class TestClock extends Clock {

  private static final MovableClock APPLICATION = new MovableClock();

  /** Makes the application see {@code instant} until reset. */
  public static void pin(Instant instant) {
    APPLICATION.pin(instant);
  }

  /** Moves the application's time forward or back. */
  public static void shift(Duration by) {
    APPLICATION.advance(by);
  }

  public static void reset() {
    APPLICATION.reset();
  }

  /** What the application's clock says now. */
  public static Instant now() {
    return APPLICATION.instant();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return APPLICATION.instant();
  }

  /** CDI producer that wins over the production clock. */
  @Singleton
  public static class Producer {
    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    Clock clock() {
      return new TestClock();
    }
  }
}
