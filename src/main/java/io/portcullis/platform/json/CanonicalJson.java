package io.portcullis.platform.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Canonical JSON in the manner of RFC 8785 (JCS) for the values Portcullis hashes: objects with
 * members sorted by UTF-16 code units, no insignificant white space, strings with only the
 * mandatory escapes, and integers. Floating-point numbers are refused rather than formatted, so
 * that two implementations can never disagree about a hash.
 *
 * <p>Accepted values: {@code null}, {@link Boolean}, integral {@link Number}s ({@code Byte}, {@code
 * Short}, {@code Integer}, {@code Long}, {@code BigInteger}, integral {@code BigDecimal}), {@link
 * CharSequence}, {@link Map} with string keys, {@link Collection} and arrays of these.
 */
public final class CanonicalJson {

  private static final int MAX_DEPTH = 32;

  private CanonicalJson() {}

  /**
   * Text that is already canonical JSON (as {@link #write} gave it), written as it is: so a value
   * serialised once can be placed in a larger document without being parsed again.
   */
  public record Raw(String json) {
    public Raw {
      Objects.requireNonNull(json, "json");
    }
  }

  /** The canonical text of {@code value}. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder(512);
    write(value, out, 0);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("JSON nested deeper than " + MAX_DEPTH + " levels");
    }
    if (value == null) {
      out.append("null");
    } else if (value instanceof Raw raw) {
      out.append(raw.json());
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof CharSequence s) {
      string(s.toString(), out);
    } else if (value instanceof Byte
        || value instanceof Short
        || value instanceof Integer
        || value instanceof Long
        || value instanceof BigInteger) {
      out.append(value);
    } else if (value instanceof BigDecimal d) {
      try {
        out.append(d.toBigIntegerExact());
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("Only integral numbers are allowed, got " + d);
      }
    } else if (value instanceof Number n) {
      throw new IllegalArgumentException(
          "Only integral numbers are allowed, got " + n.getClass().getSimpleName());
    } else if (value instanceof Map<?, ?> map) {
      List<String> keys = new ArrayList<>(map.size());
      for (Object k : map.keySet()) {
        if (!(k instanceof String key)) {
          throw new IllegalArgumentException("Object keys must be strings, got " + k);
        }
        keys.add(key);
      }
      keys.sort(null); // String.compareTo orders by UTF-16 code units, as RFC 8785 requires
      out.append('{');
      boolean first = true;
      for (String key : keys) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(key, out);
        out.append(':');
        write(map.get(key), out, depth + 1);
      }
      out.append('}');
    } else if (value instanceof Collection<?> c) {
      array(c, out, depth);
    } else if (value instanceof Object[] a) {
      array(List.of(a), out, depth);
    } else if (value instanceof Enum<?> e) {
      string(e.name(), out);
    } else {
      throw new IllegalArgumentException(
          "Not a JSON value: " + Objects.toString(value.getClass().getName()));
    }
  }

  private static void array(Collection<?> c, StringBuilder out, int depth) {
    out.append('[');
    boolean first = true;
    for (Object item : c) {
      if (!first) {
        out.append(',');
      }
      first = false;
      write(item, out, depth + 1);
    }
    out.append(']');
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    int run = 0; // start of the characters not yet written, which need no escape
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(s, run, i);
      run = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          out.append("\\u00");
          out.append(Character.forDigit(c >> 4, 16));
          out.append(Character.forDigit(c & 0xF, 16));
        }
      }
    }
    out.append(s, run, s.length());
    out.append('"');
  }
}
