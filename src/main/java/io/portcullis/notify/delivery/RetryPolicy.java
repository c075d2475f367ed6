package io.portcullis.notify.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for deliveries: after the n-th failed attempt wait {@code base ×
 * 2^(n-1)}, capped at {@code max}, spread by ±{@code jitter} from a seedable random source; a far
 * side's {@code Retry-After} is a floor. After {@code maxAttempts} attempts a delivery is dead.
 */
public final class RetryPolicy {

  private final Duration base;
  private final Duration max;
  private final double jitter;
  private final int maxAttempts;
  private final RandomGenerator random;

  public RetryPolicy(
      Duration base, Duration max, double jitter, int maxAttempts, RandomGenerator random) {
    if (base.isZero() || base.isNegative() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= max");
    }
    if (jitter < 0 || jitter > 1 || maxAttempts < 1) {
      throw new IllegalArgumentException("jitter is in [0, 1] and max attempts at least 1");
    }
    this.base = base;
    this.max = max;
    this.jitter = jitter;
    this.maxAttempts = maxAttempts;
    this.random = random;
  }

  /** Whether the {@code attempt}-th attempt was the last one allowed. */
  public boolean exhausted(int attempt) {
    return attempt >= maxAttempts;
  }

  /** The wait after the {@code attempt}-th attempt failed (attempt 1 = the first). */
  public Duration delay(int attempt, Optional<Duration> retryAfter) {
    long delay = base.toMillis();
    long cap = max.toMillis();
    for (int i = 1; i < attempt && delay < cap; i++) {
      delay = Math.min(cap, delay * 2);
    }
    double draw;
    synchronized (random) {
      draw = random.nextDouble();
    }
    double factor = 1 - jitter + 2 * jitter * draw;
    Duration d = Duration.ofMillis(Math.max(1, Math.round(Math.min(cap, delay) * factor)));
    return retryAfter.filter(f -> f.compareTo(d) > 0).orElse(d);
  }
}
