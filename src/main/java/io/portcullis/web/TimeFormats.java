package io.portcullis.web;

import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * How pages write an instant: {@code tags/time.html} renders {@code <time datetime="{it.iso}">
 * {it.utc}</time>}, an ISO-8601 instant for machines and the time in UTC for a person reading
 * without JavaScript; {@code static/portcullis.js} rewrites the text to the viewer's zone with a
 * relative time ("in 42 min", "3 h ago") and live countdowns.
 */
@TemplateExtension
public final class TimeFormats {

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private TimeFormats() {}

  /** The instant in ISO-8601, to the second ({@code 2026-12-02T14:03:27Z}). */
  static String iso(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** The instant in UTC, to the minute ({@code 2026-12-02 14:03 UTC}). */
  static String utc(Instant at) {
    return UTC.format(at);
  }
}
