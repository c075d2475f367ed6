package io.portcullis.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock a test hands to the code under test <em>and</em> to its fakes: the wall clock until the
 * test pins or advances it, so that a test that fixes "now" fixes it for the fake service too. A
 * test that fixes the time reads "now" from this clock, never from the wall clock, and fakes never
 * read the wall clock at all ({@code TestTimeRulesTest}).
 */
public final class MovableClock extends Clock {

  private volatile Instant pinned;
  private volatile Duration offset = Duration.ZERO;

  /** Follows the wall clock until pinned or advanced. */
  public MovableClock() {}

  /** Stands at {@code instant} until moved. */
  public static MovableClock at(Instant instant) {
    MovableClock c = new MovableClock();
    c.pin(instant);
    return c;
  }

  /** Stands still at {@code instant} (plus any later {@link #advance}). */
  public void pin(Instant instant) {
    pinned = instant;
    offset = Duration.ZERO;
  }

  /** Moves the time forward (or back, for a negative duration). */
  public void advance(Duration by) {
    offset = offset.plus(by);
  }

  /** Follows the wall clock again. */
  public void reset() {
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
    return (p != null ? p : Clock.systemUTC().instant()).plus(offset);
  }
}
