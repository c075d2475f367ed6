package io.portcullis.provider.vault;

import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.ParamReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** Parameters both Vault providers take ({@code policies}, {@code wrap}), and the grant's TTL. */
final class VaultParams {

  private static final Pattern POLICY = Pattern.compile("[A-Za-z0-9_.@+=-][A-Za-z0-9_.@+=/-]*");

  static final Duration MAX_WRAP = Duration.ofHours(24);

  private VaultParams() {}

  /** Response wrapping TTL ({@code wrap: PT5M}), or null ({@code wrap: false} or absent). */
  static Duration wrap(ParamReader p) throws InvalidParamException {
    if (p.raw("wrap") instanceof Boolean b && !b) {
      return null;
    }
    return p.duration("wrap", Duration.ofSeconds(1), MAX_WRAP).orElse(null);
  }

  /** Vault policy names, from a list or a comma-separated text; empty if absent and optional. */
  static List<String> policies(ParamReader p, boolean required) throws InvalidParamException {
    List<String> out = new ArrayList<>();
    if (p.raw("policies") instanceof String s) {
      for (String name : s.split(",")) {
        if (!name.isBlank()) {
          out.add(name.strip());
        }
      }
    } else {
      out.addAll(p.texts("policies"));
    }
    if (required && out.isEmpty()) {
      throw p.invalid(
          "policies", "is missing", "the Vault policies the token gets, e.g. [ops-read]");
    }
    for (String name : out) {
      if (!POLICY.matcher(name).matches()) {
        throw p.invalid(
            "policies",
            "holds an invalid policy name: " + ParamReader.shown(name),
            "Vault policy names such as ops-read");
      }
    }
    return List.copyOf(new LinkedHashSet<>(out));
  }

  /** Whole seconds from {@code now} until {@code notAfter}, rounded up, at least 1. */
  static long secondsUntil(Instant now, Instant notAfter) {
    Duration d = Duration.between(now, notAfter);
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Math.max(1, s);
  }
}
