package io.portcullis.request;

import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.provider.ProviderRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The checks a submission passes before policy sees it: the shape of every field, and the inputs
 * the entitlements' providers need. Each failure names its field; all are reported at once.
 */
@ApplicationScoped
class SubmissionChecks {

  private final RequestConfig config;
  private final ProviderRegistry providers;

  SubmissionChecks(RequestConfig config, ProviderRegistry providers) {
    this.config = config;
    this.providers = providers;
  }

  /** The submission as policy reads it, or a 400 naming every field that is wrong. */
  RequestSpec validate(Submission s, Instant now) {
    List<FieldError> errors = new ArrayList<>();
    List<String> ids = s.entitlements() == null ? List.of() : s.entitlements();
    if (ids.isEmpty()) {
      errors.add(
          new FieldError(
              "entitlements", "at least one entitlement is required", "see GET /api/v1/catalog"));
    } else if (ids.size() > config.maxEntitlements()) {
      errors.add(
          new FieldError(
              "entitlements",
              "at most " + config.maxEntitlements() + " entitlements per request",
              null));
    } else {
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 0; i < ids.size(); i++) {
        String e = ids.get(i);
        if (e == null || !e.matches("[a-z0-9][a-z0-9-]{0,62}")) {
          errors.add(
              new FieldError(
                  "entitlements[" + i + "]",
                  "not an entitlement id",
                  "ids look like demo-db-readonly"));
        } else if (!seen.add(e)) {
          errors.add(
              new FieldError("entitlements[" + i + "]", "'" + e + "' is listed twice", null));
        }
      }
    }
    Duration duration = null;
    if (s.duration() == null || s.duration().isBlank()) {
      errors.add(
          new FieldError("duration", "is required", "an ISO-8601 duration such as PT30M or PT4H"));
    } else {
      try {
        duration = Duration.parse(s.duration().strip());
        if (duration.isZero() || duration.isNegative()) {
          errors.add(
              new FieldError(
                  "duration", "must be positive, got " + s.duration(), "for example PT1H"));
          duration = null;
        } else if (duration.compareTo(Duration.ofDays(366)) > 0) {
          errors.add(
              new FieldError(
                  "duration",
                  "is absurdly long: " + s.duration(),
                  "just-in-time access lasts hours, see maxDuration in the catalog"));
          duration = null;
        }
      } catch (RuntimeException e) {
        errors.add(
            new FieldError(
                "duration",
                "is not an ISO-8601 duration: '" + abbreviate(s.duration()) + "'",
                "for example PT30M or PT4H"));
      }
    }
    Instant start = null;
    if (s.start() != null) {
      try {
        start = OffsetDateTime.parse(s.start().strip()).toInstant().truncatedTo(ChronoUnit.MICROS);
        if (start.isBefore(now.minusSeconds(60))) {
          errors.add(
              new FieldError(
                  "start",
                  "is in the past: " + s.start(),
                  "leave it out to start as soon as approved"));
        } else if (start.isAfter(now.plus(config.maxStartHorizon()))) {
          errors.add(
              new FieldError(
                  "start",
                  "is more than " + config.maxStartHorizon().toDays() + " days ahead",
                  "request closer to the time you need it"));
        }
      } catch (RuntimeException e) {
        errors.add(
            new FieldError(
                "start",
                "is not a date-time with offset: '" + abbreviate(s.start()) + "'",
                "for example 2026-11-24T14:00:00+05:30"));
      }
    }
    String justification = s.justification() == null ? "" : s.justification().strip();
    if (justification.length() > config.maxJustification()) {
      errors.add(
          new FieldError(
              "justification",
              "is longer than " + config.maxJustification() + " characters",
              "summarise and link the ticket"));
    }
    if (justification.indexOf('\u0000') >= 0) {
      errors.add(new FieldError("justification", "contains a NUL character", null));
    }
    String ticket = s.ticket() == null || s.ticket().isBlank() ? null : s.ticket().strip();
    if (ticket != null && (ticket.length() > 200 || ticket.indexOf('\u0000') >= 0)) {
      errors.add(
          new FieldError(
              "ticket", "is longer than 200 characters or contains control characters", null));
    }
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()),
          errors);
    }
    return new RequestSpec(ids, duration, start, justification, ticket, s.breakGlass());
  }

  static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  static final Pattern INPUT_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9]{0,39}");
  static final int MAX_INPUT_CHARS = 16 * 1024;

  /**
   * The inputs the entitlements' providers need, checked: each required one present and valid, none
   * that no requested entitlement uses.
   */
  Map<String, String> checkInputs(
      PolicyDecisions decisions, List<String> entitlements, Map<String, String> given) {
    Map<String, String> in = given == null ? Map.of() : given;
    List<FieldError> errors = new ArrayList<>();
    Map<String, String> wanted = new TreeMap<>();
    for (String id : entitlements) {
      Entitlement e = decisions.policy().entitlement(id).orElseThrow();
      providers
          .find(e.provider().kind())
          .ifPresent(
              p -> {
                Map<String, String> required = p.requiredInputs(e.provider().params());
                required.forEach(wanted::putIfAbsent);
                Map<String, String> mine = new LinkedHashMap<>();
                for (String name : required.keySet()) {
                  String v = in.get(name);
                  if (v == null || v.isBlank()) {
                    errors.add(
                        new FieldError(
                            "inputs." + name,
                            "is required for " + id + ": " + required.get(name),
                            null));
                  } else {
                    mine.put(name, v.strip());
                  }
                }
                if (errors.isEmpty()) {
                  p.inputProblems(e.provider().params(), mine)
                      .forEach(
                          (name, problem) ->
                              errors.add(new FieldError("inputs." + name, problem, null)));
                }
              });
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> x : in.entrySet()) {
      String name = x.getKey();
      String value = x.getValue() == null ? "" : x.getValue().strip();
      if (name == null || !INPUT_NAME.matcher(name).matches()) {
        errors.add(
            new FieldError(
                "inputs", "'" + abbreviate(String.valueOf(name)) + "' is not an input name", null));
      } else if (!wanted.containsKey(name)) {
        errors.add(
            new FieldError(
                "inputs." + name,
                "is not used by any of the requested entitlements",
                wanted.isEmpty()
                    ? "leave inputs out"
                    : "expected: " + String.join(", ", wanted.keySet())));
      } else if (value.length() > MAX_INPUT_CHARS || value.indexOf('\u0000') >= 0) {
        errors.add(
            new FieldError(
                "inputs." + name,
                "must be at most " + MAX_INPUT_CHARS + " characters without NUL",
                null));
      } else {
        out.put(name, value);
      }
    }
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()),
          errors);
    }
    return out;
  }
}
