package io.portcullis.provider.aws;

import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.ProviderException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Reads an entitlement's provider parameters, naming the parameter when one is wrong. */
final class Params {

  private final String kind;
  private final Map<String, Object> params;

  Params(String kind, Map<String, Object> params) {
    this.kind = kind;
    this.params = params == null ? Map.of() : params;
  }

  Object raw(String name) {
    return params.get(name);
  }

  Optional<String> string(String name) throws ProviderException {
    Object v = params.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Map<?, ?> || v instanceof Iterable<?>) {
      throw wrong(name, "must be text");
    }
    String s = String.valueOf(v).trim();
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  String required(String name, String example) throws ProviderException {
    return string(name)
        .orElseThrow(
            () ->
                new ProviderException(
                    ProviderException.Kind.PERMANENT,
                    kind
                        + ": the entitlement's provider parameter "
                        + name
                        + " is required, e.g. provider: {kind: "
                        + kind
                        + ", "
                        + name
                        + ": "
                        + example
                        + "}"));
  }

  String matching(String name, Pattern pattern, String example) throws ProviderException {
    String v = required(name, example);
    if (!pattern.matcher(v).matches()) {
      throw wrong(name, "'" + v + "' is not valid, expected something like " + example);
    }
    return v;
  }

  OptionalLong seconds(String name, long min, long max) throws ProviderException {
    Object v = params.get(name);
    if (v == null) {
      return OptionalLong.empty();
    }
    long n;
    try {
      n = new BigDecimal(String.valueOf(v).trim()).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw wrong(name, "must be a whole number of seconds");
    }
    if (n < min || n > max) {
      throw wrong(name, "must be between " + min + " and " + max + " seconds; it is " + n);
    }
    return OptionalLong.of(n);
  }

  /** One of the allowed words (case-insensitive), or the default. */
  String choice(String name, String dflt, String... allowed) throws ProviderException {
    String v = string(name).orElse(dflt);
    for (String a : allowed) {
      if (a.equalsIgnoreCase(v)) {
        return a;
      }
    }
    throw wrong(name, "must be one of " + String.join(", ", allowed) + "; it is '" + v + "'");
  }

  /**
   * When the grant ends: {@link IssueRequest#notAfter()}, or (should a caller leave it out) now
   * plus the approved duration, or an hour.
   */
  static Instant grantEnd(IssueRequest r, Instant now) {
    if (r.notAfter() != null) {
      return r.notAfter();
    }
    Duration d = r.duration();
    return now.plus(d == null || d.isNegative() || d.isZero() ? Duration.ofHours(1) : d);
  }

  ProviderException wrong(String name, String why) {
    return new ProviderException(
        ProviderException.Kind.PERMANENT,
        kind + ": the entitlement's provider parameter " + name + " " + why);
  }
}
