package io.portcullis.provider.postgres;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderContract;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The provider contract against a PostgreSQL of your own (a managed service, a staging server),
 * with the admin role set up as the docs prescribe. Skipped unless configured:
 *
 * <pre>
 * PORTCULLIS_LIVE_POSTGRES_JDBC_URL=jdbc:postgresql://db.example.com:5432/payments?sslmode=verify-full
 * PORTCULLIS_LIVE_POSTGRES_USERNAME=portcullis_admin
 * PORTCULLIS_LIVE_POSTGRES_PASSWORD=…
 * PORTCULLIS_LIVE_POSTGRES_ROLES=app_reader          (comma-separated, existing, grantable by it)
 * mvn verify -DskipITs=false -DskipUTs=true -Dit.test=PostgresLiveIT
 * </pre>
 *
 * The credential must be able to log in from where the test runs.
 */
class PostgresLiveIT extends ProviderContract {

  static final String URL = "PORTCULLIS_LIVE_POSTGRES_JDBC_URL";
  static final String USER = "PORTCULLIS_LIVE_POSTGRES_USERNAME";
  static final String PASSWORD = "PORTCULLIS_LIVE_POSTGRES_PASSWORD";
  static final String ROLES = "PORTCULLIS_LIVE_POSTGRES_ROLES";

  static PostgresProvider provider;
  static List<String> roles;

  @BeforeAll
  static void configure() {
    Map<String, String> env = System.getenv();
    boolean configured = env.get(URL) != null && env.get(USER) != null && env.get(ROLES) != null;
    if (!configured) {
      return;
    }
    String prefix = "portcullis.providers.postgres.databases.live.";
    Map<String, String> p = new HashMap<>();
    p.put(prefix + "jdbc-url", env.get(URL));
    p.put(prefix + "username", env.get(USER));
    if (env.get(PASSWORD) != null) {
      p.put(prefix + "password", env.get(PASSWORD));
    }
    provider = PostgresTarget.provider(p);
    roles = Arrays.stream(env.get(ROLES).split(",")).map(String::trim).toList();
  }

  @BeforeEach
  void onlyWhenConfigured() {
    assumeTrue(
        provider != null,
        "set " + URL + ", " + USER + ", " + PASSWORD + " and " + ROLES + " to run the live test");
  }

  @Override
  protected boolean stubbed() {
    return false;
  }

  @Override
  protected CredentialProvider provider() {
    return provider;
  }

  @Override
  protected IssueRequest issueRequest(UUID grant, Duration duration) {
    return new IssueRequest(
        grant,
        UUID.randomUUID(),
        "live",
        Map.of("database", "live", "roles", roles),
        new IssueRequest.Requester("live-test", "Live test", null, List.of()),
        Instant.now().plus(duration),
        duration,
        null,
        Map.of(),
        1);
  }

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
    return Map.of("database", "live", "role", PostgresProvider.roleName(UUID.randomUUID()));
  }

  @Override
  protected void down() {}

  @Override
  protected void throttled() {}

  @Override
  protected void slow() {}

  @Override
  protected void healthy() {}

  @Override
  protected Duration slowerThanTheTimeout() {
    return Duration.ofSeconds(20);
  }
}
