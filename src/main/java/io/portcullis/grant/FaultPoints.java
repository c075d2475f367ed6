package io.portcullis.grant;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named places where the crash tests stop the engine dead, so that a {@code kill -9} lands exactly
 * there: after the claim and before the provider call, after the provider call and before the
 * commit, and in the middle of a batch (half of its provider calls done). Off unless {@code
 * portcullis.grants.fault.point} is set, which production refuses; armed only once the startup
 * sweep has finished, so that a restarted process first recovers what the last one left.
 */
@ApplicationScoped
public class FaultPoints {

  /** Where the engine can be stopped. */
  public enum Point {
    AFTER_CLAIM,
    AFTER_PROVIDER,
    MID_BATCH;

    String code() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** The marker printed on standard output when a point fires. */
  public static final String MARKER = "PORTCULLIS-FAULT";

  private final Optional<Point> point;
  private final String operation;
  private final int skip;
  private final AtomicInteger passed = new AtomicInteger();
  private volatile boolean armed;

  FaultPoints(GrantConfig config) {
    GrantConfig.Fault f = config.fault();
    this.point =
        f.point()
            .filter(p -> !p.isBlank())
            .map(
                p -> {
                  for (Point x : Point.values()) {
                    if (x.code().equals(p.strip())) {
                      return x;
                    }
                  }
                  throw new IllegalStateException(
                      "portcullis.grants.fault.point must be after-claim, after-provider or"
                          + " mid-batch, not "
                          + p);
                });
    this.operation = f.operation().strip().toLowerCase(Locale.ROOT);
    this.skip = f.skip();
  }

  /** Whether a fault point is configured at all. */
  public boolean configured() {
    return point.isPresent();
  }

  void arm() {
    armed = point.isPresent();
  }

  /**
   * Passes a point. When it is the configured one (and operation), and it has been passed {@code
   * skip} times before, prints the marker and blocks this thread until the process is killed.
   *
   * @param operations {@code activate}, {@code renew} or {@code revoke}: what the batch does at
   *     this point (a batch doing several matches each)
   */
  void reach(Point here, Collection<String> operations, Collection<UUID> grants) {
    if (!armed || point.get() != here) {
      return;
    }
    if (!operation.equals("any") && !operations.contains(operation)) {
      return;
    }
    if (passed.getAndIncrement() != skip) {
      return;
    }
    System.out.println(
        MARKER
            + " point="
            + here.code()
            + " operations="
            + String.join(",", operations)
            + " grants="
            + grants.stream().map(UUID::toString).reduce((a, b) -> a + "," + b).orElse(""));
    System.out.flush();
    try {
      new CountDownLatch(1).await(); // until kill -9
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("fault point " + here.code() + " interrupted");
  }
}
