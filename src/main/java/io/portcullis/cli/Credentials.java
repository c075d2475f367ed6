package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A taken credential ({@code POST /api/v1/grants/{id}/credential}) in the forms tools read:
 * environment variables, an AWS shared-credentials profile, an SSH certificate file.
 */
final class Credentials {
  private Credentials() {}

  /** Fields that are text for people (or repeat other fields), not values for tools. */
  static final Set<String> PRESENTATION =
      Set.of("export", "credentials_file", "psql", "aws_config");

  /**
   * The prefix of the variables that carry the credential's fields. Not PORTCULLIS_ alone: a field
   * named {@code url} or {@code token} would then set the command line's own PORTCULLIS_URL or
   * PORTCULLIS_TOKEN in the shell that evaluates the exports.
   */
  static final String FIELD_PREFIX = "PORTCULLIS_CRED_";

  static final List<String> POSTGRES = List.of("host", "port", "database", "username", "password");
  static final List<String> AWS = List.of("aws_access_key_id", "aws_secret_access_key");

  /**
   * The environment a tool needs: PostgreSQL's PG* variables, AWS's AWS_* variables, and every
   * other field as PORTCULLIS_CRED_&lt;FIELD&gt;, with the grant's id, entitlement and end.
   */
  static Map<String, String> environment(JsonNode taken) {
    JsonNode c = taken.path("credential");
    Map<String, String> env = new LinkedHashMap<>();
    if (has(c, POSTGRES)) {
      env.put("PGHOST", Json.text(c, "host"));
      env.put("PGPORT", Json.text(c, "port"));
      env.put("PGDATABASE", Json.text(c, "database"));
      env.put("PGUSER", Json.text(c, "username"));
      env.put("PGPASSWORD", Json.text(c, "password"));
    }
    if (has(c, AWS)) {
      env.put("AWS_ACCESS_KEY_ID", Json.text(c, "aws_access_key_id"));
      env.put("AWS_SECRET_ACCESS_KEY", Json.text(c, "aws_secret_access_key"));
      if (Json.text(c, "aws_session_token") != null) {
        env.put("AWS_SESSION_TOKEN", Json.text(c, "aws_session_token"));
      }
    }
    c.fields()
        .forEachRemaining(
            f -> {
              if (!PRESENTATION.contains(f.getKey()) && !f.getValue().isNull()) {
                env.put(FIELD_PREFIX + variable(f.getKey()), f.getValue().asText());
              }
            });
    env.put("PORTCULLIS_GRANT", Json.text(taken, "grant"));
    env.put("PORTCULLIS_ENTITLEMENT", Json.text(taken, "entitlement"));
    if (Json.text(taken, "notAfter") != null) {
      env.put("PORTCULLIS_NOT_AFTER", Json.text(taken, "notAfter"));
    }
    return env;
  }

  static boolean has(JsonNode credential, List<String> fields) {
    return fields.stream().allMatch(f -> Json.text(credential, f) != null);
  }

  static boolean hasNames(List<String> names, List<String> fields) {
    return names.containsAll(fields);
  }

  static String variable(String field) {
    return field.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** {@code export NAME='value'} lines, quoted for POSIX shells. */
  static List<String> exports(Map<String, String> env) {
    List<String> out = new ArrayList<>();
    env.forEach((k, v) -> out.add("export " + k + "=" + shellQuote(v)));
    return out;
  }

  static String shellQuote(String v) {
    return "'" + (v == null ? "" : v.replace("'", "'\\''")) + "'";
  }

  /**
   * Writes (or replaces) the profile in an AWS shared credentials file, keeping every other profile
   * and line; the file is owner-only.
   */
  static void writeAwsProfile(Path file, String profile, JsonNode credential) throws IOException {
    List<String> lines =
        Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : new ArrayList<>();
    List<String> out = new ArrayList<>();
    boolean skipping = false;
    for (String line : lines) {
      String t = line.strip();
      if (t.startsWith("[") && t.endsWith("]")) {
        skipping = t.substring(1, t.length() - 1).strip().equals(profile);
      }
      if (!skipping) {
        out.add(line);
      }
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
      out.remove(out.size() - 1);
    }
    if (!out.isEmpty()) {
      out.add("");
    }
    out.add("[" + profile + "]");
    out.add("aws_access_key_id = " + Json.text(credential, "aws_access_key_id"));
    out.add("aws_secret_access_key = " + Json.text(credential, "aws_secret_access_key"));
    if (Json.text(credential, "aws_session_token") != null) {
      out.add("aws_session_token = " + Json.text(credential, "aws_session_token"));
    }
    if (Json.text(credential, "expiration") != null) {
      out.add("# expires " + Json.text(credential, "expiration") + " (written by portcullis)");
    }
    writePrivate(file, String.join("\n", out) + "\n");
  }

  /** Writes a file readable by its owner only (0600), creating its directory (0700). */
  static void writePrivate(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(SessionStore.DIR));
      } catch (UnsupportedOperationException notPosix) {
        Files.createDirectories(dir);
      }
    }
    if (!Files.exists(file)) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(SessionStore.FILE));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
    }
    try {
      Files.setPosixFilePermissions(file, SessionStore.FILE);
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system
    }
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** An executable on PATH, or null. */
  static Path onPath(String name, String path) {
    if (name.contains("/")) {
      Path p = Path.of(name);
      return Files.isExecutable(p) ? p : null;
    }
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }
}
