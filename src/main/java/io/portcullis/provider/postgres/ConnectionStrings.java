package io.portcullis.provider.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a requester receives for a temporary role: the login, and ready-to-use connection strings
 * (JDBC URL, libpq URL, a {@code psql} command) for the host, port, database and {@code sslmode}
 * the deployment tells requesters.
 */
final class ConnectionStrings {

  private ConnectionStrings() {}

  /** The credential's fields, in the order they are shown. */
  static Map<String, String> fields(
      TargetDatabase t, String role, String password, Instant validUntil) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("username", role);
    fields.put("password", password);
    fields.put("database", t.clientDatabase);
    fields.put("host", t.clientHost);
    fields.put("port", String.valueOf(t.clientPort));
    fields.put("jdbc_url", jdbcUrl(t));
    String url = url(t, role, password);
    fields.put("url", url);
    fields.put("psql", "psql " + shellQuote(url));
    fields.put("valid_until", validUntil.toString());
    return fields;
  }

  static String jdbcUrl(TargetDatabase t) {
    return "jdbc:postgresql://"
        + hostForUrl(t.clientHost)
        + ":"
        + t.clientPort
        + "/"
        + encode(t.clientDatabase)
        + t.clientSslMode.map(m -> "?sslmode=" + encode(m)).orElse("");
  }

  static String url(TargetDatabase t, String user, String password) {
    return "postgresql://"
        + encode(user)
        + ":"
        + encode(password)
        + "@"
        + hostForUrl(t.clientHost)
        + ":"
        + t.clientPort
        + "/"
        + encode(t.clientDatabase)
        + t.clientSslMode.map(m -> "?sslmode=" + encode(m)).orElse("");
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
