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
 * {@code Clock} bean; tests that pin it must {@link #reset()} afterwards.
 */
public final class TestClock extends Clock {

  private static volatile Instant pinned;
  private static volatile Duration offset = Duration.ZERO;

  /** Makes the application see {@code instant} until reset. */
  public static void pin(Instant instant) {
    pinned = instant;
  }

  /** Moves the application's time forward or back. */
  public static void shift(Duration by) {
    offset = offset.plus(by);
  }

  public static void reset() {
    pinned = null;
    offset = Duration.ZERO;
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
    Instant p = pinned;
    return (p != null ? p : Instant.ofEpochMilli(System.currentTimeMillis())).plus(offset);
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
