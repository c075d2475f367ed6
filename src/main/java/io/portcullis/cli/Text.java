package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How things read in text output: people, times, durations, tables. */
final class Text {
  private Text() {}

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

  /** "Alice Example <alice@example.com>", or the subject when there is no name. */
  static String person(JsonNode p) {
    if (p == null || p.isNull()) {
      return "?";
    }
    String name = Json.text(p, "name");
    String email = Json.text(p, "email");
    String subject = Json.text(p, "subject");
    String who = name != null ? name : subject;
    return email != null ? who + " <" + email + ">" : who;
  }

  /** "2026-12-03 14:05 CET (in 2 h)" in the zone given, or "" for null. */
  static String time(String iso, Clock clock, ZoneId zone) {
    if (iso == null) {
      return "";
    }
    Instant t;
    try {
      t = Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return iso;
    }
    Duration d = Duration.between(clock.instant(), t);
    String rel = d.isNegative() ? duration(d.negated()) + " ago" : "in " + duration(d);
    return TIME.format(ZonedDateTime.ofInstant(t, zone)) + " (" + rel + ")";
  }

  /** "1 h 30 min", "45 s", "2 d 3 h". */
  static String duration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + " s";
    }
    long days = s / 86400;
    long hours = (s % 86400) / 3600;
    long minutes = (s % 3600) / 60;
    List<String> parts = new ArrayList<>();
    if (days > 0) {
      parts.add(days + " d");
    }
    if (hours > 0) {
      parts.add(hours + " h");
    }
    if (minutes > 0 && days == 0) {
      parts.add(minutes + " min");
    }
    return String.join(" ", parts);
  }

  /** An ISO-8601 duration as text ("PT2H" → "2 h"), or the text itself when it is not one. */
  static String isoDuration(String iso) {
    if (iso == null) {
      return "";
    }
    try {
      return duration(Duration.parse(iso));
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  /** Left-aligned columns, two spaces apart; the last column is not padded. */
  static List<String> table(List<String[]> rows) {
    int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i] == null ? 0 : r[i].length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        String c = r[i] == null ? "" : r[i];
        sb.append(c);
        if (i < r.length - 1) {
          sb.append(" ".repeat(width[i] - c.length() + 2));
        }
      }
      out.add(sb.toString().stripTrailing());
    }
    return out;
  }

  /** The strings of a JSON array. */
  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
