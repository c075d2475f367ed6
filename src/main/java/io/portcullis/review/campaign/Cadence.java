package io.portcullis.review.campaign;

import io.portcullis.catalog.model.AccessReview;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/** When a definition's campaigns open, read from its Quartz cron in its time zone. */
final class Cadence {

  private final CronExpression cron;

  Cadence(AccessReview review) {
    try {
      cron = new CronExpression(review.cron());
    } catch (ParseException e) {
      throw new IllegalArgumentException("cron checked at load: " + review.cron(), e);
    }
    cron.setTimeZone(TimeZone.getTimeZone(review.zone()));
  }

  Instant next(Instant after) {
    Date d = cron.getTimeAfter(Date.from(after));
    return d == null ? null : d.toInstant();
  }

  /**
   * The latest fire time at or before {@code now} and after {@code now - window}, if any: the
   * campaign that should be open now. A firing missed by more than {@code window} is not opened
   * late.
   */
  Optional<Instant> latest(Instant now, Duration window) {
    // look back 1 s, 2 s, 4 s ... until a firing shows up: the cost grows with the log of the
    // distance to the latest firing, not with the number of firings in the window
    Duration back = Duration.ofSeconds(1);
    while (true) {
      Duration d = back.compareTo(window) > 0 ? window : back;
      Instant t = next(now.minus(d).minusMillis(1));
      if (t != null && !t.isAfter(now)) {
        Instant found = t;
        for (Instant n = next(t); n != null && !n.isAfter(now); n = next(n)) {
          found = n;
        }
        return Optional.of(found);
      }
      if (d.equals(window)) {
        return Optional.empty();
      }
      back = back.multipliedBy(2);
    }
  }

  /** The fire time before {@code fire} (itself a fire time): where its review period starts. */
  Instant previous(Instant fire) {
    Instant after = next(fire);
    Duration gap = after == null ? Duration.ofDays(90) : Duration.between(fire, after);
    Instant t = next(fire.minus(gap.multipliedBy(2)).minusMillis(1));
    Instant found = fire.minus(gap);
    while (t != null && t.isBefore(fire)) {
      found = t;
      t = next(t);
    }
    return found;
  }
}
