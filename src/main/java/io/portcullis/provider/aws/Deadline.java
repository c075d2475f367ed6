package io.portcullis.provider.aws;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.time.Duration;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/**
 * The time budget of one provider operation ({@code portcullis.aws.timeout}): every AWS call made
 * for it gets the time that is left as its SDK {@code apiCallTimeout}, and polling stops when it
 * runs out. Measures elapsed time with {@link System#nanoTime()}; wall-clock time comes from the
 * injected clock elsewhere.
 */
final class Deadline {

  private static final Duration MIN_CALL = Duration.ofMillis(50);

  private final long end;
  private final Duration total;
  private final Duration attempt;

  private Deadline(Duration total, Duration attempt) {
    this.total = total;
    this.attempt = attempt;
    this.end = System.nanoTime() + total.toNanos();
  }

  /**
   * @param total the whole budget
   * @param attempt the longest one HTTP attempt may take
   */
  static Deadline in(Duration total, Duration attempt) {
    return new Deadline(total, attempt);
  }

  Duration total() {
    return total;
  }

  Duration remaining() {
    long left = end - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  boolean expired() {
    return remaining().compareTo(MIN_CALL) < 0;
  }

  /** SDK request overrides that end the call (retries included) within the budget. */
  AwsRequestOverrideConfiguration override() {
    Duration left = remaining();
    if (left.compareTo(MIN_CALL) < 0) {
      left = MIN_CALL;
    }
    Duration perAttempt = attempt.compareTo(left) < 0 ? attempt : left;
    return AwsRequestOverrideConfiguration.builder()
        .apiCallTimeout(left)
        .apiCallAttemptTimeout(perAttempt)
        .build();
  }

  /**
   * Sleeps {@code d}, or less when the budget ends sooner.
   *
   * @throws ProviderException TIMEOUT when interrupted (the engine gave up on the call)
   */
  void sleep(Duration d, String what) throws ProviderException {
    Duration left = remaining();
    Duration nap = d.compareTo(left) < 0 ? d : left;
    try {
      Thread.sleep(Math.max(0, nap.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.TIMEOUT, what + " was interrupted");
    }
  }
}
