package io.portcullis.cli;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations and times as people type them, turned into the API's ISO-8601. */
final class Durations {
  private Durations() {}

  private static final Pattern SHORT =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?:in)?)?(?:(\\d+)s)?");

  /**
   * "1h", "90m", "1h30m", "2d", "45s" or ISO-8601 ("PT1H") as an ISO-8601 duration; a {@link
   * CliException} (usage) naming the option otherwise.
   */
  static String parse(String option, String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
    Duration d = null;
    if (t.startsWith("p")) {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        d = null;
      }
    } else if (!t.isEmpty()) {
      Matcher m = SHORT.matcher(t);
      if (m.matches()) {
        d = Duration.ZERO;
        long[] unit = {86400, 3600, 60, 1};
        for (int i = 0; i < 4; i++) {
          if (m.group(i + 1) != null) {
            try {
              d = d.plusSeconds(Math.multiplyExact(Long.parseLong(m.group(i + 1)), unit[i]));
            } catch (ArithmeticException | NumberFormatException e) {
              throw CliException.usage(option + ": '" + text + "' is too long");
            }
          }
        }
      }
    }
    if (d == null) {
      throw CliException.usage(
          option + ": '" + text + "' is not a duration; write it like 30m, 1h, 1h30m, 2d or PT1H");
    }
    if (d.isZero() || d.isNegative()) {
      throw CliException.usage(option + ": '" + text + "' must be longer than zero");
    }
    return d.toString();
  }

  /**
   * A start time: ISO-8601 with an offset ("2026-12-03T09:00:00+01:00"), a local date and time in
   * the given zone ("2026-12-03 09:00", "2026-12-03T09:00"), a time today or tomorrow ("09:00", the
   * next one to come), or "+2h" / "in 2h" from now. Answers ISO-8601 with an offset.
   */
  static String start(String text, Clock clock, ZoneId zone) {
    String t = text == null ? "" : text.strip();
    try {
      return OffsetDateTime.parse(t).toString();
    } catch (DateTimeParseException notWithOffset) {
      // try the other forms
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.startsWith("+") || lower.startsWith("in ")) {
      String d = parse("--start", lower.startsWith("+") ? t.substring(1) : t.substring(3));
      return OffsetDateTime.ofInstant(clock.instant().plus(Duration.parse(d)), zone)
          .truncatedTo(ChronoUnit.SECONDS)
          .toString();
    }
    try {
      LocalDateTime local =
          LocalDateTime.parse(t.replace(' ', 'T'), DateTimeFormatter.ISO_LOCAL_DATE_TIME);
      return local.atZone(zone).toOffsetDateTime().toString();
    } catch (DateTimeParseException notLocal) {
      // try a time of day
    }
    try {
      LocalTime time = LocalTime.parse(t);
      LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
      var at = today.atTime(time).atZone(zone);
      if (!at.toInstant().isAfter(clock.instant())) {
        at = today.plusDays(1).atTime(time).atZone(zone);
      }
      return at.toOffsetDateTime().toString();
    } catch (DateTimeException notTime) {
      throw CliException.usage(
          "--start: '"
              + text
              + "' is not a time; write it like 2026-12-03T09:00 (your time zone, "
              + zone
              + "), 09:00, +2h or 2026-12-03T09:00:00+01:00");
    }
  }
}
