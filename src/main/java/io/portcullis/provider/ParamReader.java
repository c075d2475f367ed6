package io.portcullis.provider;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads an entitlement's provider parameters ({@code provider: {kind: …, <name>: <value>}}), the
 * one way every provider does. Policy YAML gives texts, lists and maps; each method takes one
 * parameter, checks its shape and throws {@link InvalidParamException} naming the kind, the
 * parameter, what is wrong and what is expected. A provider's {@link ProviderKind.Reader} uses it
 * to build the provider's typed parameter record.
 */
public final class ParamReader {

  private static final int MAX_SHOWN = 80;

  private final String kind;
  private final Map<String, Object> params;

  public ParamReader(String kind, Map<String, Object> params) {
    this.kind = kind;
    this.params = params == null ? Map.of() : params;
  }

  /** The provider kind the parameters are for. */
  public String kind() {
    return kind;
  }

  /** A parameter as policy gave it, or null. */
  public Object raw(String name) {
    return params.get(name);
  }

  /** Refuses a parameter the kind does not take: a typo would otherwise be ignored. */
  public void onlyKnown(Set<String> names) throws InvalidParamException {
    for (String given : new TreeSet<>(params.keySet())) {
      if (!names.contains(given)) {
        throw new InvalidParamException(
            kind, given, "is unknown", "one of " + String.join(", ", new TreeSet<>(names)), names);
      }
    }
  }

  /** A text, stripped; empty when absent or blank. */
  public Optional<String> text(String name) throws InvalidParamException {
    Object v = params.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw invalid(name, "must be a text, not " + describe(v), null);
    }
    String t = s.strip();
    return t.isEmpty() ? Optional.empty() : Optional.of(t);
  }

  /**
   * A text that must be given.
   *
   * @param expected what to give, e.g. "the Vault path to read, e.g. database/creds/readonly"
   */
  public String requiredText(String name, String expected) throws InvalidParamException {
    Optional<String> t = text(name);
    if (t.isEmpty()) {
      throw invalid(name, "is missing", expected);
    }
    return t.get();
  }

  /** A text that must be given and match {@code pattern} as a whole. */
  public String matching(String name, Pattern pattern, String expected)
      throws InvalidParamException {
    String t = requiredText(name, expected);
    if (!pattern.matcher(t).matches()) {
      throw invalid(name, "is not valid: " + shown(t), expected);
    }
    return t;
  }

  /** A list of texts (or a single text), each stripped; empty when absent. */
  public List<String> texts(String name) throws InvalidParamException {
    Object v = params.get(name);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v instanceof String s) {
      out.add(s.strip());
      return out;
    }
    if (!(v instanceof Collection<?> c)) {
      throw invalid(name, "must be a list of texts, not " + describe(v), null);
    }
    for (Object o : c) {
      if (!(o instanceof String s)) {
        throw invalid(name, "must be a list of texts, but holds " + describe(o), null);
      }
      out.add(s.strip());
    }
    return out;
  }

  /** A whole number from {@code min} to {@code max}, or empty when absent. */
  public OptionalLong wholeNumber(String name, long min, long max) throws InvalidParamException {
    Object v = params.get(name);
    if (v == null) {
      return OptionalLong.empty();
    }
    Long n = null;
    if (v instanceof Number || v instanceof String) {
      try {
        n = new BigDecimal(String.valueOf(v).strip()).longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        // not a whole number
      }
    }
    if (n == null || n < min || n > max) {
      throw invalid(
          name, "must be a whole number " + range(min, max) + ", not " + describe(v), null);
    }
    return OptionalLong.of(n);
  }

  /** {@code true} or {@code false}; {@code otherwise} when absent. */
  public boolean flag(String name, boolean otherwise) throws InvalidParamException {
    Object v = params.get(name);
    if (v == null) {
      return otherwise;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s
        && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s.strip());
    }
    throw invalid(name, "must be true or false, not " + describe(v), null);
  }

  /**
   * An ISO-8601 duration ({@code PT5M}; a number counts seconds) from {@code min} to {@code max},
   * or empty when absent.
   */
  public Optional<Duration> duration(String name, Duration min, Duration max)
      throws InvalidParamException {
    Object v = params.get(name);
    if (v == null) {
      return Optional.empty();
    }
    String expected = "a duration from " + min + " to " + max + ", e.g. PT5M";
    Duration d;
    try {
      if (v instanceof Number n) {
        d = Duration.ofSeconds(new BigDecimal(n.toString()).longValueExact());
      } else if (v instanceof String s) {
        d = Duration.parse(s.strip());
      } else {
        throw new DateTimeParseException("", "", 0);
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw invalid(name, "must be an ISO-8601 duration, not " + describe(v), expected);
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw invalid(name, "must be between " + min + " and " + max + ", not " + d, expected);
    }
    return Optional.of(d);
  }

  /**
   * One of {@code allowed} (compared ignoring case), returned as spelled in {@code allowed}; {@code
   * otherwise} when absent.
   */
  public String choice(String name, String otherwise, String... allowed)
      throws InvalidParamException {
    Optional<String> t = text(name);
    if (t.isEmpty()) {
      return otherwise;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(t.get())) {
        return a;
      }
    }
    throw invalid(
        name, "must be one of " + String.join(", ", allowed) + ", not " + shown(t.get()), null);
  }

  /**
   * A map of names to texts ({@code meta: {team: payments}}); empty when absent. A missing value
   * reads as an empty text.
   */
  public Map<String, String> textMap(String name) throws InvalidParamException {
    Object v = params.get(name);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw invalid(name, "must be a map of names to texts, not " + describe(v), null);
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object value = e.getValue();
      if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
        throw invalid(name + "." + key, "must be a text, not " + describe(value), null);
      }
      out.put(key, value == null ? "" : String.valueOf(value));
    }
    return out;
  }

  /**
   * A failure of parameter {@code name}, for what the methods here cannot check.
   *
   * @param problem what is wrong, e.g. "names a role that does not look like one"
   * @param expected what would be right, or null
   */
  public InvalidParamException invalid(String name, String problem, String expected) {
    return new InvalidParamException(kind, name, problem, expected, null);
  }

  /** A value as it may appear in a message: quoted, printable, shortened. */
  public static String shown(String value) {
    String p = value.replaceAll("\\p{Cntrl}", "?");
    return "'" + (p.length() <= MAX_SHOWN ? p : p.substring(0, MAX_SHOWN) + "…") + "'";
  }

  private static String describe(Object v) {
    if (v instanceof Map<?, ?>) {
      return "a map";
    }
    if (v instanceof Collection<?>) {
      return "a list";
    }
    if (v instanceof Number n) {
      return "the number " + n;
    }
    if (v instanceof Boolean b) {
      return b.toString().toLowerCase(Locale.ROOT);
    }
    return v == null ? "nothing" : shown(String.valueOf(v));
  }

  private static String range(long min, long max) {
    return max == Long.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max;
  }
}
