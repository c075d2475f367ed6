package io.portcullis.platform.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Starts the embedded default database: a real PostgreSQL from Maven-delivered binaries whose data
 * lives in {@code <portcullis.data-dir>/pg}, so that a restart keeps state. The JDBC URL is handed
 * to Quarkus as system properties before it boots.
 */
public final class EmbeddedPostgresLauncher {

  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresLauncher.class);
  static final String DATABASE = "portcullis";
  static final String SUPERUSER = "postgres";

  private EmbeddedPostgresLauncher() {}

  /** A running embedded server; {@link #close()} stops it. */
  public record Running(EmbeddedPostgres postgres, String jdbcUrl, Path dataDirectory)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        postgres.close();
      } catch (IOException e) {
        LOG.warn("Stopping the embedded PostgreSQL failed", e);
      }
    }
  }

  /**
   * Starts PostgreSQL when the embedded default is selected: profile {@code demo}, unless {@code
   * portcullis.embedded-db.enabled=false}; or any profile with that property set to true.
   *
   * @return the running server, or null when another database is configured
   */
  public static Running startIfSelected(Properties systemProperties, Map<String, String> env) {
    String profile =
        Optional.ofNullable(systemProperties.getProperty("quarkus.profile"))
            .or(() -> Optional.ofNullable(env.get("QUARKUS_PROFILE")))
            .orElse("prod");
    Optional<String> explicit =
        Optional.ofNullable(systemProperties.getProperty("portcullis.embedded-db.enabled"))
            .or(() -> Optional.ofNullable(env.get("PORTCULLIS_EMBEDDED_DB_ENABLED")));
    boolean selected =
        explicit
            .map(v -> Boolean.parseBoolean(v.trim()))
            .orElse(List.of(profile.split(",")).contains("demo"));
    if (!selected) {
      return null;
    }
    Path dataDir =
        Path.of(
                Optional.ofNullable(systemProperties.getProperty("portcullis.data-dir"))
                    .or(() -> Optional.ofNullable(env.get("PORTCULLIS_DATA_DIR")))
                    .orElse("data"))
            .toAbsolutePath()
            .normalize();
    Running running = start(dataDir.resolve("pg"), false);
    if (List.of(profile.split(",")).contains("demo")) {
      demoTarget(running, systemProperties);
    }
    systemProperties.setProperty("quarkus.datasource.jdbc.url", running.jdbcUrl());
    systemProperties.setProperty("quarkus.datasource.username", SUPERUSER);
    systemProperties.setProperty("quarkus.datasource.password", "");
    systemProperties.setProperty("portcullis.embedded-db.enabled", "true");
    return running;
  }

  /**
   * The demo's target system: the {@code demo_payments} database on the same server, and the {@code
   * postgres} provider pointed at it (unless configured otherwise).
   */
  static void demoTarget(Running running, Properties systemProperties) {
    EmbeddedPostgres pg = running.postgres();
    ensureDatabase(pg.getPostgresDatabase(), DemoTargetDatabase.NAME);
    DemoTargetDatabase.ensure(
        pg.getPostgresDatabase(), pg.getDatabase(SUPERUSER, DemoTargetDatabase.NAME));
    String prefix = "portcullis.providers.postgres.databases." + DemoTargetDatabase.NAME + ".";
    systemProperties.putIfAbsent(
        prefix + "jdbc-url", pg.getJdbcUrl(SUPERUSER, DemoTargetDatabase.NAME));
    systemProperties.putIfAbsent(prefix + "username", SUPERUSER);
    systemProperties.putIfAbsent(prefix + "password", "");
    // the embedded server has no other role that could create roles; what temporary roles leave
    // behind is dropped at revocation (no reassign-to), so nothing ends up owned by the superuser
    systemProperties.putIfAbsent(prefix + "allow-superuser-admin", "true");
    systemProperties.putIfAbsent(prefix + "client-host", "localhost");
    systemProperties.putIfAbsent(prefix + "client-port", String.valueOf(pg.getPort()));
  }

  /**
   * Starts (and on first use initialises) a server keeping its data in {@code pgData}.
   *
   * @param stopOnJvmExit whether the server stops by itself when the JVM exits; false when the
   *     caller stops it in order
   */
  public static Running start(Path pgData, boolean stopOnJvmExit) {
    return start(pgData, stopOnJvmExit, 0);
  }

  /**
   * As {@link #start(Path, boolean)}, on a given port (0: a free one), e.g. to start a stopped
   * server again where its clients expect it.
   */
  public static Running start(Path pgData, boolean stopOnJvmExit, int port) {
    try {
      prepareDataDirectory(pgData);
      stopOrphanedPostmaster(pgData);
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(pgData)
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(stopOnJvmExit)
              .setPort(port == 0 ? freePort() : port)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "200")
              .setServerConfig("listen_addresses", "localhost")
              .setLocaleConfig("locale", "C.UTF-8")
              .start();
      requirePasswords(postgres.getPostgresDatabase(), pgData);
      ensureDatabase(postgres.getPostgresDatabase(), DATABASE);
      String url = postgres.getJdbcUrl(SUPERUSER, DATABASE);
      LOG.infof(
          "Embedded PostgreSQL is running on port %d, data in %s", postgres.getPort(), pgData);
      return new Running(postgres, url, pgData);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + pgData, e);
    }
  }

  /** Client authentication: the superuser (Portcullis itself) from this host, passwords for all. */
  static final String PG_HBA =
      """
      # Written by Portcullis (EmbeddedPostgresLauncher). The superuser, which Portcullis itself
      # uses, is trusted on this host only; every other role (such as the temporary roles the
      # postgres provider creates) must give its password, so that passwords and VALID UNTIL hold.
      local all postgres                trust
      host  all postgres  127.0.0.1/32  trust
      host  all postgres  ::1/128       trust
      local all all                     scram-sha-256
      host  all all       127.0.0.1/32  scram-sha-256
      host  all all       ::1/128       scram-sha-256
      """;

  /**
   * initdb (as run by the embedded server) trusts every local connection; replace that with {@link
   * #PG_HBA} and reload, once per data directory.
   */
  private static void requirePasswords(DataSource admin, Path pgData) throws IOException {
    Path hba = pgData.resolve("pg_hba.conf");
    if (Files.exists(hba) && Files.readString(hba).equals(PG_HBA)) {
      return;
    }
    Files.writeString(hba, PG_HBA);
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      s.execute("select pg_reload_conf()");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not reload pg_hba.conf of the embedded PostgreSQL", e);
    }
  }

  /** Creates a database unless it exists already. */
  public static void ensureDatabase(DataSource admin, String name) {
    if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("Not a plain database name: " + name);
    }
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("select 1 from pg_database where datname = '" + name + "'")) {
        if (rs.next()) {
          return;
        }
      }
      s.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create database " + name, e);
    }
  }

  /**
   * The directory must belong to the user running this JVM: PostgreSQL insists on owning its data
   * directory (as root, zonky runs it in a user namespace that keeps the caller's file identity).
   */
  private static void prepareDataDirectory(Path pgData) throws IOException {
    Files.createDirectories(pgData);
  }

  /**
   * A process killed with SIGKILL leaves its postmaster running and holding the data directory. Ask
   * it to stop before starting a new one; PostgreSQL recovers from its WAL on the next start.
   */
  private static void stopOrphanedPostmaster(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty() || !lines.get(0).trim().matches("\\d+")) {
      return;
    }
    long pid = Long.parseLong(lines.get(0).trim());
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()
        || !handle.get().info().command().map(c -> c.endsWith("postgres")).orElse(false)) {
      return;
    }
    LOG.warnf("Stopping an orphaned PostgreSQL (pid %d) left by an earlier run", pid);
    handle.get().destroy();
    try {
      handle.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      handle.get().destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
