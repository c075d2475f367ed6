package io.portcullis.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

/**
 * What every bench that starts the packaged application on the bench's own PostgreSQL passes it:
 * the demo profile with the embedded database off, the bench database, and two free ports.
 */
final class BenchApp {

  private BenchApp() {}

  /** The application's HTTP and management ports. */
  record Ports(int http, int management) {

    /** Two ports free now. */
    static Ports free() throws IOException {
      try (ServerSocket s = new ServerSocket(0);
          ServerSocket m = new ServerSocket(0)) {
        return new Ports(s.getLocalPort(), m.getLocalPort());
      }
    }

    String base() {
      return "http://localhost:" + http;
    }

    String managementBase() {
      return "http://localhost:" + management;
    }
  }

  /** System properties for the packaged application on {@code jdbcUrl} at {@code ports}. */
  static List<String> onDatabase(String jdbcUrl, Ports ports) {
    return List.of(
        "-Dquarkus.profile=demo",
        "-Dportcullis.embedded-db.enabled=false",
        "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
        "-Dquarkus.datasource.username=postgres",
        "-Dquarkus.http.port=" + ports.http(),
        "-Dquarkus.management.port=" + ports.management());
  }
}
