package io.portcullis.web;

import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.ws.rs.core.MultivaluedMap;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The request form's fields as a person fills them in, turned into what the submission takes: the
 * entitlements ticked ({@code entitlement}, several), the duration chosen from a preset ({@code
 * duration}, a preset's value) or {@code duration=custom} with a number and a unit ({@code
 * durationAmount}, {@code durationUnit}: minutes, hours or days), and the optional start as a
 * wall-clock time ({@code startLocal}, what a datetime-local input sends) in a time zone ({@code
 * zone}, an IANA id; UTC when absent). Nobody types ISO-8601: the presets' values are the form's
 * own. Each problem names the field it is shown beside ({@code duration}, {@code start}).
 */
public record RequestFormFields(
    List<String> entitlements, String duration, String start, Map<String, String> inputs) {

  /** The presets offered, shortest first; a form shows those within the entitlements' maximum. */
  public static final List<Duration> PRESETS =
      List.of(
          Duration.ofMinutes(15),
          Duration.ofMinutes(30),
          Duration.ofHours(1),
          Duration.ofHours(2),
          Duration.ofHours(4),
          Duration.ofHours(8));

  /** The value of the duration select that asks for the custom number and unit instead. */
  public static final String CUSTOM = "custom";

  /** The units of a custom duration, as the form names them. */
  public static final List<String> UNITS = List.of("minutes", "hours", "days");

  /** The largest custom number accepted (policy's maximum refuses most of these anyway). */
  static final long MAX_AMOUNT = 100_000;

  /**
   * Reads the form, or a 400 naming the fields that cannot be read (all at once). Blank provider
   * inputs are left out: the form shows the inputs of every entitlement, the requester fills those
   * of the ones picked.
   */
  public static RequestFormFields read(MultivaluedMap<String, String> form) {
    List<FieldError> errors = new ArrayList<>();
    Set<String> picked = new LinkedHashSet<>();
    List<String> values = form.get("entitlement");
    if (values != null) {
      values.stream()
          .filter(v -> v != null && !v.isBlank())
          .map(String::strip)
          .forEach(picked::add);
    }
    String duration =
        duration(
            form.getFirst("duration"),
            form.getFirst("durationAmount"),
            form.getFirst("durationUnit"),
            errors);
    String start = start(form.getFirst("startLocal"), form.getFirst("zone"), errors);
    Map<String, String> inputs = new TreeMap<>();
    form.forEach(
        (name, given) -> {
          if (name.startsWith("input.")
              && !given.isEmpty()
              && given.get(0) != null
              && !given.get(0).isBlank()) {
            inputs.put(name.substring("input.".length()), given.get(0));
          }
        });
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()),
          errors);
    }
    return new RequestFormFields(List.copyOf(picked), duration, start, inputs);
  }

  /**
   * The duration as ISO-8601 text for the submission: a preset's value as it is, or the custom
   * number in its unit; null (with an error) when neither can be read.
   */
  static String duration(String chosen, String amount, String unit, List<FieldError> errors) {
    String c = chosen == null ? "" : chosen.strip();
    if (!c.isEmpty() && !c.equals(CUSTOM)) {
      try {
        return Duration.parse(c).toString(); // a preset's own value
      } catch (DateTimeParseException e) {
        errors.add(
            new FieldError(
                "duration", "is not one of the offered durations", "pick one or Custom"));
        return null;
      }
    }
    String a = amount == null ? "" : amount.strip();
    if (a.isEmpty()) {
      errors.add(
          new FieldError(
              "duration",
              c.isEmpty() ? "is required" : "needs a number for the custom duration",
              "for example 90 minutes"));
      return null;
    }
    long n;
    try {
      n = Long.parseLong(a);
    } catch (NumberFormatException e) {
      errors.add(
          new FieldError(
              "duration",
              "must be a whole number of minutes, hours or days, got '"
                  + (a.length() > 20 ? a.substring(0, 20) + "…" : a)
                  + "'",
              "for example 90 minutes"));
      return null;
    }
    if (n <= 0 || n > MAX_AMOUNT) {
      errors.add(new FieldError("duration", "must be a positive number, got " + n, null));
      return null;
    }
    String u = unit == null || unit.isBlank() ? "minutes" : unit.strip().toLowerCase(Locale.ROOT);
    return switch (u) {
      case "minutes" -> Duration.ofMinutes(n).toString();
      case "hours" -> Duration.ofHours(n).toString();
      case "days" -> Duration.ofDays(n).toString();
      default -> {
        errors.add(
            new FieldError(
                "duration", "has an unknown unit '" + u + "'", "minutes, hours or days"));
        yield null;
      }
    };
  }

  /**
   * The start as a date-time with its offset ({@code 2026-12-05T14:30+05:30}), from the wall-clock
   * time in {@code zone}; null when none was given (as soon as approved). A time that the zone
   * skips (a daylight-saving gap) moves forward by the gap, as the zone's clocks do.
   */
  static String start(String local, String zone, List<FieldError> errors) {
    if (local == null || local.isBlank()) {
      return null;
    }
    ZoneId z;
    try {
      z = zone == null || zone.isBlank() ? ZoneOffset.UTC : ZoneId.of(zone.strip());
    } catch (DateTimeException e) {
      errors.add(
          new FieldError(
              "start",
              "has an unknown time zone '"
                  + (zone.length() > 40 ? zone.substring(0, 40) + "…" : zone)
                  + "'",
              "choose a zone such as Europe/Berlin, or UTC"));
      return null;
    }
    try {
      LocalDateTime at = LocalDateTime.parse(local.strip());
      return ZonedDateTime.of(at, z).toOffsetDateTime().toString();
    } catch (DateTimeParseException e) {
      errors.add(
          new FieldError(
              "start",
              "is not a date and time: '"
                  + (local.length() > 40 ? local.substring(0, 40) + "…" : local)
                  + "'",
              "for example 2026-12-05T14:30"));
      return null;
    }
  }

  /** A duration in the words of the form: "15 min", "1 h", "1 h 30 min", "2 d". */
  public static String words(Duration d) {
    long minutes = d.toMinutes();
    if (minutes >= 24 * 60 && minutes % (24 * 60) == 0) {
      return minutes / (24 * 60) + " d";
    }
    if (minutes >= 60) {
      long h = minutes / 60;
      long m = minutes % 60;
      return m == 0 ? h + " h" : h + " h " + m + " min";
    }
    return minutes + " min";
  }
}
