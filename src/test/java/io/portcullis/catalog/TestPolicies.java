package io.portcullis.catalog;

import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.identity.Caller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Policy fixtures for tests. */
public final class TestPolicies {

  public static final CelEngine CEL = new CelEngine();

  private TestPolicies() {}

  /** Loads the given files (name to YAML text) from a fresh temporary directory. */
  public static PolicyLoader.Result load(Map<String, String> files) {
    try {
      Path dir = Files.createTempDirectory("policies");
      for (var f : files.entrySet()) {
        Path p = dir.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue());
      }
      return new PolicyLoader(CEL).load(dir, Instant.EPOCH);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static PolicyLoader.Result load(String yaml) {
    return load(Map.of("policy.yaml", yaml));
  }

  /** The shipped policies under policies/. */
  public static PolicyLoader.Result examples() {
    return new PolicyLoader(CEL).load(Path.of("policies"), Instant.EPOCH);
  }

  public static Caller person(String subject, String... groups) {
    return new Caller(
        subject,
        subject,
        subject.replace("demo:", "") + "@example.com",
        true,
        Set.of(groups),
        new Caller.Authentication("oidc", null, List.of()),
        Map.of());
  }
}
