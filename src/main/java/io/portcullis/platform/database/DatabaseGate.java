package io.portcullis.platform.database;

import io.portcullis.platform.secrets.Scrubber;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Knows whether PostgreSQL can be reached, so that nobody waits for the connection pool to find
 * out: a probe thread keeps one plain JDBC connection (outside the pool) and runs {@code select 1}
 * every {@value #PROBE_MILLIS} ms. While it fails, every API call and page answers 503 problem+json
 * at once (health endpoints still answer, and say DOWN); when it succeeds again, whoever registered
 * with {@link #onReturn} (the grant engine) is told at once. The pool alone makes a caller wait a
 * second or more per attempt while other threads queue for connections.
 */
@ApplicationScoped
public class DatabaseGate {

  static final long PROBE_MILLIS = 500;
  static final int PROBE_TIMEOUT_SECONDS = 2;
  private static final Logger LOG = Logger.getLogger(DatabaseGate.class);

  private final String url;
  private final Optional<String> user;
  private final Optional<String> password;
  private final boolean enabled;
  private final List<Runnable> onReturn = new CopyOnWriteArrayList<>();
  private volatile boolean down;
  private volatile long downSinceNanos;
  private volatile boolean running;
  private Thread prober;
  private Connection probe;

  DatabaseGate(
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
      @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
      @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
      @ConfigProperty(name = "portcullis.database.probe-enabled", defaultValue = "true")
          boolean enabled) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.enabled = enabled;
  }

  /** Whether the last probe reached the database (true until a probe says otherwise). */
  public boolean reachable() {
    return !down;
  }

  /** Runs {@code action} (quickly, on the probe thread) each time the database is back. */
  public void onReturn(Runnable action) {
    onReturn.add(action);
  }

  /**
   * Whether an exception means the database is down or unreachable rather than refusing one
   * statement: no connection could be had (SQLSTATE class 08, or the pool gave up waiting), or the
   * server is shutting down or starting (57P01–57P03).
   */
  public static boolean unreachable(SQLException e) {
    if (e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    if (state != null && (state.startsWith("08") || state.matches("57P0[123]"))) {
      return true;
    }
    // Agroal: "Acquisition timeout while waiting for new connection", no SQLSTATE
    return state == null
        && e.getMessage() != null
        && e.getMessage().startsWith("Acquisition timeout");
  }

  void start(@Observes StartupEvent event) {
    if (!enabled) {
      return;
    }
    running = true;
    prober = new Thread(this::loop, "database-probe");
    prober.setDaemon(true);
    prober.start();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    if (prober != null) {
      prober.interrupt();
    }
  }

  private void loop() {
    while (running) {
      String failure = probeOnce();
      if (failure != null && !down) {
        downSinceNanos = System.nanoTime();
        down = true;
        LOG.warnf(
            "PostgreSQL cannot be reached (%s): API calls answer 503 until it is back", failure);
      } else if (failure == null && down) {
        down = false;
        LOG.infof(
            "PostgreSQL is back after %d ms", (System.nanoTime() - downSinceNanos) / 1_000_000);
        for (Runnable r : onReturn) {
          try {
            r.run();
          } catch (RuntimeException e) {
            LOG.warn("A database-return action failed", e);
          }
        }
      }
      try {
        Thread.sleep(PROBE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    closeProbe();
  }

  /** Null when the database answered, else why not. */
  private String probeOnce() {
    try {
      if (probe == null || probe.isClosed()) {
        probe = connect();
      }
      try (Statement s = probe.createStatement()) {
        s.setQueryTimeout(PROBE_TIMEOUT_SECONDS);
        s.execute("select 1");
      }
      return null;
    } catch (SQLException e) {
      closeProbe();
      return unreachable(e) || e.getSQLState() == null
          ? Scrubber.scrub(e.getClass().getSimpleName() + ": " + e.getMessage())
          : null; // it answered, if only to refuse: reachable
    }
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    user.ifPresent(u -> p.setProperty("user", u));
    password.ifPresent(pw -> p.setProperty("password", pw));
    p.setProperty("connectTimeout", String.valueOf(PROBE_TIMEOUT_SECONDS));
    p.setProperty("loginTimeout", String.valueOf(PROBE_TIMEOUT_SECONDS));
    p.setProperty("socketTimeout", String.valueOf(PROBE_TIMEOUT_SECONDS + 1));
    p.setProperty("ApplicationName", "portcullis-probe");
    return DriverManager.getConnection(url, p);
  }

  private void closeProbe() {
    if (probe != null) {
      try {
        probe.close();
      } catch (SQLException ignored) {
        // it is gone either way
      }
      probe = null;
    }
  }
}
