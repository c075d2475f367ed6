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

  /** Whether the instant (seen in the window's zone) falls inside. {@code to} is exclusive. */
  public boolean contains(java.time.Instant instant) {
    ZonedDateTime t = instant.atZone(zone);
    if (!days.contains(t.getDayOfWeek())) {
      return false;
    }
    LocalTime time = t.toLocalTime();
    return !time.isBefore(from) && time.isBefore(to);
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
