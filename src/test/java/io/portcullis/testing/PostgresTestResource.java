package io.portcullis.testing;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for {@code @QuarkusTest}s, started by the test run itself from the same
 * Maven-delivered binaries as the embedded default, in a throw-away data directory.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

  private EmbeddedPostgresLauncher.Running running;
  private Path dir;

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("portcullis-test-pg");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    running = EmbeddedPostgresLauncher.start(dir.resolve("pg"), true);
    return Map.of(
        "quarkus.datasource.jdbc.url", running.jdbcUrl(),
        "quarkus.datasource.username", "postgres",
        "quarkus.datasource.password", "");
  }

  @Override
  public void stop() {
    if (running != null) {
      running.close();
    }
    if (dir != null) {
      try (Stream<Path> tree = Files.walk(dir)) {
        tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp directory; the OS cleans it eventually
      }
    }
  }
}
