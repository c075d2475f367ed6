package io.portcullis.notify.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A secret named in configuration by where it lives, never by its value: {@code
 * env:SLACK_BOT_TOKEN} or {@code file:/run/secrets/slack-token} (a mounted Kubernetes secret). Read
 * when used, so that a rotated file is picked up without a restart. {@link #toString()} shows the
 * reference only.
 */
public final class SecretRef {

  private final String kind;
  private final String name;

  private SecretRef(String kind, String name) {
    this.kind = kind;
    this.name = name;
  }

  /** Reads {@code env:NAME} or {@code file:/path}; anything else is refused (a pasted secret). */
  public static SecretRef parse(String ref) {
    Objects.requireNonNull(ref);
    String r = ref.strip();
    if (r.startsWith("env:")
        && r.length() > 4
        && r.substring(4).matches("[A-Za-z_][A-Za-z0-9_]*")) {
      return new SecretRef("env", r.substring(4));
    }
    if (r.startsWith("file:") && r.length() > 5) {
      return new SecretRef("file", r.substring(5));
    }
    throw new IllegalArgumentException(
        "a secret is configured by reference: env:NAME or file:/path (never the value itself)");
  }

  /** The secret, trimmed; fails when the variable is unset or the file unreadable. */
  public String resolve() {
    return resolve(System.getenv());
  }

  String resolve(Map<String, String> env) {
    String v;
    if (kind.equals("env")) {
      v = env.get(name);
      if (v == null || v.isBlank()) {
        throw new IllegalStateException("the environment variable " + name + " is not set");
      }
    } else {
      try {
        v = Files.readString(Path.of(name), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException("the secret file " + name + " cannot be read");
      }
    }
    return v.strip();
  }

  @Override
  public String toString() {
    return kind + ":" + name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretRef s && s.kind.equals(kind) && s.name.equals(name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name);
  }
}
