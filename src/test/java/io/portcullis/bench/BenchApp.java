package io.portcullis.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/**
 * What every bench that starts the packaged application on the bench's own PostgreSQL passes it:
 * the demo profile with the embedded database off, the bench database, and two free ports.
 */
final class BenchApp {

  /**
   * The JVM sizing of the container image (src/main/docker/Dockerfile) at a 512 MiB heap: fixed
   * from the start (initial = maximum) and touched at start. With {@link #IMAGE_ENV}.
   */
  static final List<String> IMAGE_HEAP = List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch");

  /** The image's environment for the JVM: glibc keeps two malloc arenas. */
  static final Map<String, String> IMAGE_ENV = Map.of("MALLOC_ARENA_MAX", "2");

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
