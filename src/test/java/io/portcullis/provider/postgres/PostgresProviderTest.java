package io.portcullis.provider.postgres;

import static io.portcullis.provider.postgres.PostgresTarget.ADMIN;
import static io.portcullis.provider.postgres.PostgresTarget.DB;
import static io.portcullis.provider.postgres.PostgresTarget.NARROW_ADMIN;

import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/**
 * The provider contract against a real PostgreSQL 17, with the least-privilege admin role of the
 * docs. "Live" means: the credential logs in. Failure modes are real too: a port nothing listens on
 * (down), an admin role whose connection limit is used up (throttled, SQLSTATE 53300), and a lock
 * on {@code pg_auth_members} held by another session, so that {@code lock_timeout} fires (slow).
 */
class PostgresProviderTest extends ProviderContract {

  static PostgresTarget pg;

  @BeforeAll
  static void start() {
    pg = PostgresTarget.get();
  }

  private final PostgresProvider normal = pg.provider(ADMIN, Duration.ofSeconds(2));
  private PostgresProvider current = normal;
  private Connection held;

  static IssueRequest request(UUID grant, Duration duration, Map<String, Object> params) {
    return new IssueRequest(
        grant,
        UUID.randomUUID(),
        "payments-read",
        params,
        new IssueRequest.Requester("demo:alice", "Alice", "alice@example.com", List.of("eng")),
        Instant.now().plus(duration),
        duration,
        "INC-7",
        Map.of(),
        1);
  }

  @Override
  protected CredentialProvider provider() {
    return current;
  }

  @Override
  protected IssueRequest issueRequest(UUID grant, Duration duration) {
    return request(grant, duration, Map.of("database", DB, "roles", List.of("app_reader")));
  }

  /** The role name and where it lives are no secret; the password, url and psql line are. */
  @Override
  protected Set<String> nonSecretFields() {
    return Set.of("username", "database", "host", "port", "jdbc_url", "valid_until");
  }

  @Override
  protected boolean live(UUID grant, Issued issued) throws Exception {
    return PostgresTarget.canLogIn(issued.credential());
  }

  @Override
  protected Map<String, Object> unknownHandle(Issued real) {
    return Map.of("database", DB, "role", PostgresProvider.roleName(UUID.randomUUID()));
  }

  @Override
  protected void down() {
    Map<String, String> p = pg.properties(ADMIN, Duration.ofSeconds(2));
    p.put(
        "portcullis.providers.postgres.databases." + DB + ".jdbc-url",
        "jdbc:postgresql://127.0.0.1:" + PostgresTarget.closedPort() + "/" + DB);
    current = PostgresTarget.provider(p);
  }

  @Override
  protected void throttled() {
    try {
      held = PostgresTarget.login(pg.jdbcUrl(DB), NARROW_ADMIN, PostgresTarget.ADMIN_PASSWORD);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    current = pg.provider(NARROW_ADMIN, Duration.ofSeconds(2));
  }

  @Override
  protected void slow() {
    try {
      held = pg.superuser(DB);
      held.setAutoCommit(false);
      try (Statement s = held.createStatement()) {
        s.execute("lock table pg_catalog.pg_auth_members in exclusive mode");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected Duration slowerThanTheTimeout() {
    // the lock is held until healthy(); the provider must give up after its 2 s lock_timeout,
    // well within this generous bound on a busy machine
    return Duration.ofSeconds(20);
  }

  @Override
  protected void healthy() {
    current = normal;
    if (held != null) {
      try {
        held.close(); // rolls back, releasing the lock
      } catch (SQLException ignored) {
        // closed already
      }
      held = null;
    }
  }
}
