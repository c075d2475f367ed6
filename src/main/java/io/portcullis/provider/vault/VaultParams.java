package io.portcullis.provider.vault;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads the policy parameters of the Vault providers; bad ones are PERMANENT, named. */
final class VaultParams {

  /** A Vault API path: segments of safe characters, no {@code ..}, no query. */
  private static final Pattern PATH =
      Pattern.compile("[A-Za-z0-9_.@~:+=-]+(/[A-Za-z0-9_.@~:+=-]+)*");

  private static final Pattern POLICY = Pattern.compile("[A-Za-z0-9_.@+=-][A-Za-z0-9_.@+=/-]*");
  private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  static final Duration MAX_WRAP = Duration.ofHours(24);

  private VaultParams() {}

  private static ProviderException bad(String kind, String message) {
    return new ProviderException(Kind.PERMANENT, kind + " parameter " + message);
  }

  /** Refuses parameters the provider does not know (a typo would otherwise be ignored). */
  static void onlyKnown(String kind, Map<String, Object> params, Set<String> known)
      throws ProviderException {
    for (String k : params.keySet()) {
      if (!known.contains(k)) {
        throw bad(
            kind,
            "'"
                + k
                + "' is unknown; "
                + kind
                + " takes "
                + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  /** The Vault path to read, without leading or trailing slashes. */
  static String path(String kind, Object value) throws ProviderException {
    if (value == null) {
      throw bad(
          kind, "'path' is missing: give the Vault path to read, e.g. database/creds/readonly");
    }
    if (!(value instanceof String s)) {
      throw bad(kind, "'path' must be a text such as database/creds/readonly");
    }
    String p = s.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.startsWith("v1/")) {
      p = p.substring(3);
    }
    if (!PATH.matcher(p).matches() || List.of(p.split("/")).contains("..")) {
      throw bad(kind, "'path' is not a valid Vault path: '" + s + "'");
    }
    if (p.startsWith("sys/") || p.startsWith("auth/") || p.startsWith("cubbyhole")) {
      throw bad(
          kind,
          "'path' must name a secrets engine path that issues leases (such as database/creds/<role>"
              + " or aws/creds/<role>), not '"
              + p
              + "'");
    }
    return p;
  }

  /** Response wrapping TTL ({@code wrap: PT5M}), or null. */
  static Duration wrap(String kind, Object value) throws ProviderException {
    if (value == null || value instanceof Boolean b && !b) {
      return null;
    }
    Duration d;
    if (value instanceof Number n) {
      d = Duration.ofSeconds(n.longValue());
    } else if (value instanceof String s) {
      try {
        d = Duration.parse(s.strip());
      } catch (DateTimeParseException e) {
        throw bad(kind, "'wrap' must be an ISO-8601 duration such as PT5M, not '" + s + "'");
      }
    } else {
      throw bad(kind, "'wrap' must be an ISO-8601 duration such as PT5M");
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX_WRAP) > 0) {
      throw bad(kind, "'wrap' must be between PT1S and PT24H (minutes are usual), not " + d);
    }
    return d;
  }

  /** Vault policy names, from a list or a comma-separated text; empty if absent and optional. */
  static List<String> policies(String kind, Object value, boolean required)
      throws ProviderException {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> l) {
      for (Object o : l) {
        if (!(o instanceof String)) {
          throw bad(kind, "'policies' must be a list of Vault policy names");
        }
        out.add(((String) o).strip());
      }
    } else if (value instanceof String s) {
      for (String p : s.split(",")) {
        if (!p.isBlank()) {
          out.add(p.strip());
        }
      }
    } else if (value != null) {
      throw bad(kind, "'policies' must be a list of Vault policy names");
    }
    if (required && out.isEmpty()) {
      throw bad(kind, "'policies' is missing: list the Vault policies the token gets");
    }
    for (String p : out) {
      if (!POLICY.matcher(p).matches()) {
        throw bad(kind, "'policies' holds an invalid policy name: '" + p + "'");
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(out));
  }

  /** A non-negative whole number ({@code numUses}), or null. */
  static Long count(String kind, String name, Object value) throws ProviderException {
    if (value == null) {
      return null;
    }
    try {
      BigDecimal n =
          value instanceof Number num
              ? new BigDecimal(num.toString())
              : new BigDecimal(String.valueOf(value).strip());
      long l = n.longValueExact();
      if (l < 0) {
        throw new ArithmeticException();
      }
      return l;
    } catch (ArithmeticException | NumberFormatException e) {
      throw bad(kind, "'" + name + "' must be a whole number of at least 0, not '" + value + "'");
    }
  }

  /** A true/false parameter. */
  static boolean flag(String kind, String name, Object value) throws ProviderException {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw bad(kind, "'" + name + "' must be true or false");
  }

  /** Token metadata ({@code meta: {team: payments}}); the reserved keys are Portcullis's. */
  static Map<String, String> meta(String kind, Object value, Set<String> reserved)
      throws ProviderException {
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null) {
      return out;
    }
    if (!(value instanceof Map<?, ?> m)) {
      throw bad(kind, "'meta' must be a map of names to texts");
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String k = String.valueOf(e.getKey());
      if (!META_KEY.matcher(k).matches()) {
        throw bad(kind, "'meta' holds an invalid key: '" + k + "'");
      }
      if (reserved.contains(k)) {
        throw bad(kind, "'meta' may not set '" + k + "': Portcullis sets it");
      }
      Object v = e.getValue();
      if (v instanceof Map || v instanceof List) {
        throw bad(kind, "'meta." + k + "' must be a text");
      }
      out.put(k, v == null ? "" : String.valueOf(v));
    }
    return out;
  }

  /** Whole seconds from {@code now} until {@code notAfter}, rounded up, at least 1. */
  static long secondsUntil(Instant now, Instant notAfter) {
    Duration d = Duration.between(now, notAfter);
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Math.max(1, s);
  }
}
