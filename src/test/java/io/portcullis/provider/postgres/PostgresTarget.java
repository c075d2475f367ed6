package io.portcullis.provider.postgres;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.provider.Credential;
import io.portcullis.testing.StubProviderServer;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A real PostgreSQL 17 for the provider's tests, started once per test JVM from the embedded
 * binaries (with passwords required for every role but the superuser, so that passwords and VALID
 * UNTIL hold), with a target database {@code payments}: a table, a read-only and a writer role, a
 * least-privilege admin and a few deliberately wrong roles.
 */
final class PostgresTarget {

  /** The database policy names (also the PostgreSQL database's name). */
  static final String DB = "payments";

  /** A second database of the same server. */
  static final String OTHER_DB = "archive";

  /**
   * The least-privilege admin: CREATEROLE, pg_signal_backend, ADMIN OPTION (but neither INHERIT nor
   * SET) on the roles it grants. Exactly what the docs prescribe.
   */
  static final String ADMIN = "portcullis_admin";

  /** Like {@link #ADMIN} but allowed one connection at a time. */
  static final String NARROW_ADMIN = "portcullis_narrow";

  /** Can log in, nothing else. */
  static final String WEAK_ADMIN = "portcullis_weak";

  /** CREATEROLE without pg_signal_backend. */
  static final String DEAF_ADMIN = "portcullis_deaf";

  /** Every admin's password: a canary, so that tests can search messages for it. */
  static final String ADMIN_PASSWORD =
      StubProviderServer.CANARY
          + "-admin-"
          + HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(), 7});

  /** The admin role's setup, as the provider's docs give it (PostgreSQL 16 and newer). */
  static final String LEAST_PRIVILEGE_SETUP =
      """
      CREATE ROLE portcullis_admin WITH LOGIN CREATEROLE PASSWORD '%s' CONNECTION LIMIT 20;
      GRANT pg_signal_backend TO portcullis_admin;
      GRANT app_reader, app_writer TO portcullis_admin WITH ADMIN TRUE, INHERIT FALSE, SET FALSE;
      """;

  private static PostgresTarget instance;

  final EmbeddedPostgresLauncher.Running running;
  final int port;

  private PostgresTarget(EmbeddedPostgresLauncher.Running running) {
    this.running = running;
    this.port = running.postgres().getPort();
  }

  /**
   * The shared server, started (and set up) on first use; it stops, and its directory is deleted,
   * when the JVM exits.
   */
  static synchronized PostgresTarget get() {
    if (instance == null) {
      Path dir;
      try {
        dir = Files.createTempDirectory("portcullis-pg-provider");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      PostgresTarget t =
          new PostgresTarget(EmbeddedPostgresLauncher.start(dir.resolve("pg"), false));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    t.running.close();
                    deleteTree(dir);
                  },
                  "stop-postgres-target"));
      t.setUp();
      instance = t;
    }
    return instance;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> tree = Files.walk(dir)) {
      tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory; the OS cleans it eventually
    }
  }

  private void setUp() {
    DataSource admin = running.postgres().getPostgresDatabase();
    EmbeddedPostgresLauncher.ensureDatabase(admin, DB);
    EmbeddedPostgresLauncher.ensureDatabase(admin, OTHER_DB);
    String pw = ADMIN_PASSWORD;
    superuserSql(
        DB,
        "create table accounts(id int primary key, holder text not null)",
        "insert into accounts values (1, 'Ada'), (2, 'Grace')",
        "create role app_reader nologin",
        "create role app_writer nologin",
        "create role app_heir nologin",
        "grant select on accounts to app_reader",
        "grant usage, create on schema public to app_writer",
        "grant select, insert, update, delete on accounts to app_writer",
        "create table ledger(id int)",
        "create table private_notes(note text)", // the superuser's alone
        "insert into private_notes values ('not for temporary roles')",
        "alter table ledger owner to app_writer",
        // deliberately dangerous roles
        "create role app_super nologin superuser",
        "create role app_sneaky nologin in role app_super",
        "create role app_maker nologin createdb",
        "create role app_files nologin in role pg_read_server_files",
        "create role \"app\"\"quote\" nologin",
        // the admins
        String.format(LEAST_PRIVILEGE_SETUP, pw),
        "create role "
            + NARROW_ADMIN
            + " login createrole password '"
            + pw
            + "' connection limit 1",
        "grant pg_signal_backend to " + NARROW_ADMIN,
        "grant app_reader to " + NARROW_ADMIN + " with admin true, inherit false, set false",
        "create role " + WEAK_ADMIN + " login password '" + pw + "'",
        "create role " + DEAF_ADMIN + " login createrole password '" + pw + "'",
        "grant app_reader to " + DEAF_ADMIN + " with admin true, inherit false, set false");
  }

  /** Runs statements as the superuser in {@code database}, each committed. */
  void superuserSql(String database, String... sql) {
    try (Connection c = superuser(database);
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A superuser connection (trusted on localhost). */
  Connection superuser(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    return new org.postgresql.Driver().connect(jdbcUrl(database), p);
  }

  /** A single value the superuser queries. */
  Object query(String database, String sql, Object... params) {
    try (Connection c = superuser(database);
        java.sql.PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean roleExists(String role) {
    return query(DB, "select count(*) from pg_roles where rolname = ?", role)
        .equals(Long.valueOf(1));
  }

  String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  /** Logs in with an issued credential, through the JDBC URL it carries. */
  static Connection login(Credential credential) throws SQLException {
    Map<String, String> f = credential.fields();
    return login(f.get("jdbc_url"), f.get("username"), f.get("password"));
  }

  static Connection login(String jdbcUrl, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "30");
    return new org.postgresql.Driver().connect(jdbcUrl, p);
  }

  /**
   * Whether the credential logs in (and answers a query); false when PostgreSQL refuses the login
   * (wrong password, expired, NOLOGIN, no such role). Any other failure is thrown.
   */
  static boolean canLogIn(Credential credential) throws SQLException {
    try (Connection c = login(credential);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select 1")) {
      return rs.next();
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
        return false;
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------ providers

  /** The provider's properties for {@link #DB} with {@code admin}. */
  Map<String, String> properties(String admin, Duration statementTimeout) {
    Map<String, String> p = new HashMap<>();
    String prefix = "portcullis.providers.postgres.databases." + DB + ".";
    p.put(prefix + "jdbc-url", jdbcUrl(DB));
    p.put(prefix + "username", admin);
    if (admin.equals("postgres")) {
      p.put(prefix + "allow-superuser-admin", "true"); // refused unless allowed
    } else {
      p.put(prefix + "password", ADMIN_PASSWORD);
    }
    p.put(prefix + "statement-timeout", statementTimeout.toString());
    return p;
  }

  PostgresProvider provider(String admin, Duration statementTimeout) {
    return provider(properties(admin, statementTimeout));
  }

  static PostgresProvider provider(Map<String, String> properties) {
    return new PostgresProvider(config(properties));
  }

  /** The configuration mapping as Quarkus builds it, from these properties. */
  static PostgresConfig config(Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(PostgresConfig.class)
            .withSources(new PropertiesConfigSource(properties, "test", 100))
            .build();
    return config.getConfigMapping(PostgresConfig.class);
  }

  /** A port nothing listens on. */
  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
