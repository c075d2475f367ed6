package io.portcullis.provider;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The secret a requester receives once: named text fields (a username and password, an access key
 * triple, a certificate, ready-to-paste shell lines). Its {@link #toString()} never shows a value,
 * so it cannot leak through logging by accident.
 */
public final class Credential {

  private final Map<String, String> fields;

  private Credential(Map<String, String> fields) {
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** Fields in the order they should be shown. */
  public static Credential of(Map<String, String> fields) {
    Objects.requireNonNull(fields, "fields");
    fields.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "field name");
          Objects.requireNonNull(v, "value of " + k);
        });
    return new Credential(fields);
  }

  /** The fields, in order. Handle with care: these are secrets. */
  public Map<String, String> fields() {
    return fields;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credential c && c.fields.equals(fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return "Credential" + fields.keySet() + "(values redacted)";
  }
}
