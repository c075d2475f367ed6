package io.portcullis.platform.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * A gauge's value read from somewhere costly (the database) at most once per {@code every}: each
 * scrape between two readings gets the last one. The first call always reads.
 */
public final class ThrottledReading {

  private final Clock clock;
  private final long everyMillis;
  private final DoubleSupplier read;
  private long readAtMillis = Long.MIN_VALUE;
  private double value = Double.NaN;

  public ThrottledReading(Clock clock, Duration every, DoubleSupplier read) {
    this.clock = clock;
    this.everyMillis = every.toMillis();
    this.read = read;
  }

  /** The last reading, read again when it is {@code every} old. */
  public synchronized double get() {
    long now = clock.millis();
    if (readAtMillis == Long.MIN_VALUE || now - readAtMillis >= everyMillis) {
      readAtMillis = now;
      value = read.getAsDouble();
    }
    return value;
  }
}
