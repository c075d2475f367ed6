package io.portcullis.catalog.model;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/** Days and hours in a time zone, e.g. Monday to Friday 09:00-18:00 Asia/Kolkata. */
public record TimeWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to, ZoneId zone) {

  public TimeWindow {
    days = Set.copyOf(days);
  }

  /**
   * Whether the instant (seen in the window's zone) falls inside: {@code from} is inclusive, {@code
   * to} exclusive (09:00-18:00 contains 09:00 and 17:59:59.999, not 18:00).
   */
  public boolean contains(java.time.Instant instant) {
    ZonedDateTime t = instant.atZone(zone);
    if (!days.contains(t.getDayOfWeek())) {
      return false;
    }
    LocalTime time = t.toLocalTime();
    return !time.isBefore(from) && time.isBefore(to);
  }

  /**
   * The first instant at or after {@code instant} that the window contains: {@code instant} itself
   * when inside, else the next opening ({@code from} on the next listed day, in the window's zone;
   * a {@code from} that a daylight-saving gap skips opens at the first valid time after it). Null
   * when the window lists no day.
   */
  public java.time.Instant nextOpening(java.time.Instant instant) {
    if (contains(instant)) {
      return instant;
    }
    java.time.LocalDate day = instant.atZone(zone).toLocalDate();
    for (int i = 0; i <= 7; i++) {
      java.time.LocalDate d = day.plusDays(i);
      if (!days.contains(d.getDayOfWeek())) {
        continue;
      }
      java.time.Instant opening = ZonedDateTime.of(d, from, zone).toInstant();
      if (!opening.isBefore(instant) && contains(opening)) {
        return opening;
      }
    }
    return null;
  }

  public String describe() {
    return days.stream().sorted().map(d -> d.name().substring(0, 3)).toList()
        + " "
        + from
        + "-"
        + to
        + " "
        + zone;
  }
}
