package io.portcullis.grant;

import java.time.Duration;

/**
 * Exponential backoff with jitter: the n-th failure waits {@code initial × 2^(n-1)}, capped at
 * {@code max}, spread by ±20% so that grants that failed together do not retry together. A pure
 * function: the caller passes the random draw.
 */
public record Backoff(Duration initial, Duration max) {

  static final double SPREAD = 0.2;

  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max");
    }
  }

  /**
   * The wait after the {@code failures}-th consecutive failure.
   *
   * @param failures 1 after the first failure
   * @param draw a uniform random number in [0, 1)
   */
  public Duration after(int failures, double draw) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1");
    }
    long base = initial.toMillis();
    long capped = max.toMillis();
    long delay = base;
    for (int i = 1; i < failures && delay < capped; i++) {
      delay = Math.min(capped, delay * 2);
    }
    delay = Math.min(capped, delay);
    double factor = 1 - SPREAD + 2 * SPREAD * Math.max(0, Math.min(1, draw));
    return Duration.ofMillis(Math.max(1, Math.round(delay * factor)));
  }

  /** The wait, at least {@code floor} (a provider's Retry-After), when given. */
  public Duration after(int failures, double draw, Duration floor) {
    Duration d = after(failures, draw);
    return floor != null && floor.compareTo(d) > 0 ? floor : d;
  }
}
