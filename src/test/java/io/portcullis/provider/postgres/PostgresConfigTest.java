package io.portcullis.provider.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's configuration as Quarkus maps it, without a server. */
class PostgresConfigTest {

  static final String P = "portcullis.providers.postgres.databases.";

  static PostgresConfig config(Map<String, String> properties, Map<String, String> env) {
    return new SmallRyeConfigBuilder()
        .withMapping(PostgresConfig.class)
        .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
        .withSources(new EnvConfigSource(env, 300))
        .build()
        .getConfigMapping(PostgresConfig.class);
  }

  static TargetDatabase resolve(Map<String, String> properties, String name)
      throws ProviderException {
    return new PostgresProvider(config(properties, Map.of())).target(name);
  }

  static IssueRequest request(Map<String, Object> params) {
    return new IssueRequest(
        UUID.randomUUID(),
        UUID.randomUUID(),
        "e",
        params,
        null,
        Instant.now().plus(Duration.ofHours(1)),
        Duration.ofHours(1),
        null,
        Map.of(),
        1);
  }

  static ProviderException thrown(PostgresProvider p, Map<String, Object> params) {
    try {
      p.issue(request(params));
    } catch (ProviderException e) {
      return e;
    }
    throw new AssertionError("no ProviderException");
  }

  @Test
  void withoutADatabaseTheProviderIsOffAndSaysWhatToSet() throws Exception {
    PostgresProvider p = new PostgresProvider(config(Map.of(), Map.of()));
    assertThat(p.kind()).isEqualTo("postgres");
    assertThat(p.configured()).isFalse();
    assertThat(p.configurationHint())
        .contains("portcullis.providers.postgres.databases.<name>.jdbc-url");
    ProviderException e = thrown(p, Map.of("database", "payments", "roles", List.of("r")));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("portcullis.providers.postgres.databases.payments.jdbc-url");
    assertThatThrownBy(p::check)
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("not configured");
  }

  @Test
  void aDatabasePolicyDoesNotNameIsPermanentAndNamesTheProperty() {
    PostgresProvider p =
        new PostgresProvider(
            config(
                Map.of(P + "payments.jdbc-url", "jdbc:postgresql://db/payments?user=admin"),
                Map.of()));
    assertThat(p.configured()).isTrue();
    ProviderException e = thrown(p, Map.of("database", "ledger", "roles", List.of("r")));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("portcullis.providers.postgres.databases.ledger.jdbc-url")
        .contains("configured: payments");
    assertThat(thrown(p, Map.of("roles", List.of("r"))).getMessage())
        .contains("postgres parameter 'database' is missing");
    // a database that is only partly configured
    PostgresProvider partial =
        new PostgresProvider(config(Map.of(P + "ledger.username", "admin"), Map.of()));
    assertThat(thrown(partial, Map.of("database", "ledger", "roles", List.of("r"))).getMessage())
        .contains("portcullis.providers.postgres.databases.ledger.jdbc-url");
    assertThatThrownBy(partial::check)
        .hasMessageContaining("portcullis.providers.postgres.databases.ledger.jdbc-url");
  }

  @Test
  void defaultsAndWhatRequestersAreToldComeFromTheJdbcUrl() throws Exception {
    TargetDatabase t =
        resolve(
            Map.of(
                P + "payments.jdbc-url",
                "jdbc:postgresql://db1.internal:6432,db2.internal:6433/pay%20ments"
                    + "?sslmode=verify-full&user=portcullis_admin"),
            "payments");
    assertThat(t.adminUser).isEqualTo("portcullis_admin");
    assertThat(t.clientHost).isEqualTo("db1.internal");
    assertThat(t.clientPort).isEqualTo(6432);
    assertThat(t.clientDatabase).isEqualTo("pay ments");
    assertThat(t.clientSslMode).contains("verify-full");
    assertThat(t.connectionLimit).isEqualTo(2);
    assertThat(t.ownedObjects).isEqualTo(PostgresConfig.OwnedObjects.DROP);
    assertThat(t.reassignTo).isEmpty();
    assertThat(t.allowSuperuserAdmin).isFalse();
    assertThat(t.statementTimeout).isEqualTo(Duration.ofSeconds(5));

    TargetDatabase plain =
        resolve(Map.of(P + "p.jdbc-url", "jdbc:postgresql://db/x", P + "p.username", "a"), "p");
    assertThat(plain.clientPort).isEqualTo(5432);
    assertThat(plain.clientSslMode).isEmpty();
  }

  @Test
  void overrides() throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put(P + "payments.jdbc-url", "jdbc:postgresql://10.0.0.5:5432/payments?sslmode=disable");
    m.put(P + "payments.username", "admin");
    m.put(P + "payments.client-host", "payments.db.example.com");
    m.put(P + "payments.client-port", "6543");
    m.put(P + "payments.client-database", "payments_ro");
    m.put(P + "payments.client-ssl-mode", "require");
    m.put(P + "payments.connection-limit", "5");
    m.put(P + "payments.owned-objects", "reassign");
    m.put(P + "payments.reassign-to", "payments_orphans");
    m.put(P + "payments.allow-superuser-admin", "true");
    m.put(P + "payments.statement-timeout", "PT3S");
    TargetDatabase t = resolve(m, "payments");
    assertThat(t.clientHost).isEqualTo("payments.db.example.com");
    assertThat(t.clientPort).isEqualTo(6543);
    assertThat(t.clientDatabase).isEqualTo("payments_ro");
    assertThat(t.clientSslMode).contains("require");
    assertThat(t.connectionLimit).isEqualTo(5);
    assertThat(t.ownedObjects).isEqualTo(PostgresConfig.OwnedObjects.REASSIGN);
    assertThat(t.reassignTo).contains("payments_orphans");
    assertThat(t.allowSuperuserAdmin).isTrue();
    assertThat(t.statementTimeout).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void environmentVariables() throws Exception {
    PostgresProvider p =
        new PostgresProvider(
            config(
                // a name with '_' known from application.properties: single underscores work
                Map.of(P + "demo_payments.jdbc-url", "jdbc:postgresql://db/demo_payments"),
                Map.of(
                    "PORTCULLIS_PROVIDERS_POSTGRES_DATABASES_DEMO_PAYMENTS_USERNAME",
                    "admin",
                    "PORTCULLIS_PROVIDERS_POSTGRES_DATABASES_DEMO_PAYMENTS_PASSWORD",
                    "env-secret",
                    // a plain name, only in the environment
                    "PORTCULLIS_PROVIDERS_POSTGRES_DATABASES_LEDGER_JDBC_URL",
                    "jdbc:postgresql://db/ledger",
                    "PORTCULLIS_PROVIDERS_POSTGRES_DATABASES_LEDGER_USERNAME",
                    "admin",
                    "PORTCULLIS_PROVIDERS_POSTGRES_DATABASES_LEDGER_CONNECTION_LIMIT",
                    "4",
                    // a name with '_' only in the environment: quoted as __NAME__
                    "PORTCULLIS_PROVIDERS_POSTGRES_DATABASES__HR_DATA__JDBC_URL",
                    "jdbc:postgresql://db/hr?user=admin",
                    "PORTCULLIS_PROVIDERS_POSTGRES_DATABASES__HR_DATA__OWNED_OBJECTS",
                    "drop")));
    TargetDatabase demo = p.target("demo_payments");
    assertThat(demo.adminUser).isEqualTo("admin");
    assertThat(demo.secrets()).containsExactly("env-secret");
    assertThat(p.target("ledger").connectionLimit).isEqualTo(4);
    // SmallRye reads __HR_DATA__ as "hr.data"; policy may say hr_data, hr-data or hr.data
    TargetDatabase hr = p.target("hr_data");
    assertThat(hr.jdbcUrl).isEqualTo("jdbc:postgresql://db/hr?user=admin");
    assertThat(hr.ownedObjects).isEqualTo(PostgresConfig.OwnedObjects.DROP);
    assertThat(p.target("hr-data").jdbcUrl).isEqualTo(hr.jdbcUrl);
  }

  @Test
  void thePasswordFileIsReadAtEveryCall(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "first-secret\n");
    Map<String, String> m =
        Map.of(
            P + "p.jdbc-url", "jdbc:postgresql://db/x",
            P + "p.username", "admin",
            P + "p.password-file", file.toString());
    PostgresProvider p = new PostgresProvider(config(m, Map.of()));
    assertThat(p.target("p").secrets()).containsExactly("first-secret");
    Files.writeString(file, "rotated-secret");
    assertThat(p.target("p").secrets()).containsExactly("rotated-secret");
    Files.delete(file);
    assertThatThrownBy(() -> p.target("p"))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining(P + "p.password-file")
        .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(Kind.PERMANENT));
  }

  @Test
  void badSettingsAreRefusedNamingTheProperty() {
    Map<String, String> base =
        Map.of(P + "p.jdbc-url", "jdbc:postgresql://db/x", P + "p.username", "a");
    assertRefused(
        Map.of(P + "p.jdbc-url", "jdbc:mysql://db/x", P + "p.username", "a"), "p.jdbc-url");
    assertRefused(Map.of(P + "p.jdbc-url", "jdbc:postgresql://db/x"), "p.username");
    assertRefused(with(base, "password", "x", "password-file", "/x"), "p.password-file");
    assertRefused(with(base, "client-ssl-mode", "sometimes"), "p.client-ssl-mode");
    assertRefused(with(base, "client-port", "70000"), "p.client-port");
    assertRefused(with(base, "connection-limit", "0"), "p.connection-limit");
    assertRefused(with(base, "statement-timeout", "PT0S"), "p.statement-timeout");
    assertRefused(with(base, "reassign-to", "x\"; drop table t; --"), "p.reassign-to");
  }

  @Test
  void objectsAreDroppedUnlessARoleOtherThanTheAdminReceivesThem() throws Exception {
    Map<String, String> base =
        Map.of(P + "p.jdbc-url", "jdbc:postgresql://db/x", P + "p.username", "a");
    assertThat(resolve(base, "p").ownedObjects).isEqualTo(PostgresConfig.OwnedObjects.DROP);
    // naming a role is enough to reassign to it
    TargetDatabase heir = resolve(with(base, "reassign-to", "orphans"), "p");
    assertThat(heir.ownedObjects).isEqualTo(PostgresConfig.OwnedObjects.REASSIGN);
    assertThat(heir.reassignTo).contains("orphans");
    // reassign without a role no longer means "to the admin"
    assertThatThrownBy(() -> resolve(with(base, "owned-objects", "reassign"), "p"))
        .hasMessageContaining(P + "p.owned-objects=reassign needs " + P + "p.reassign-to")
        .hasMessageContaining("never the admin role");
    // nor may the role be the admin, a predefined or a temporary role
    assertThatThrownBy(() -> resolve(with(base, "reassign-to", "a"), "p"))
        .hasMessageContaining(P + "p.reassign-to names the admin role a");
    assertThatThrownBy(
            () ->
                resolve(
                    Map.of(
                        P + "p.jdbc-url",
                        "jdbc:postgresql://db/x?user=portcullis_admin",
                        P + "p.reassign-to",
                        "portcullis_admin"),
                    "p"))
        .hasMessageContaining("names the admin role portcullis_admin");
    assertRefused(with(base, "reassign-to", "pg_read_all_data"), "p.reassign-to");
    assertRefused(
        with(base, "reassign-to", PostgresProvider.roleName(UUID.randomUUID())), "p.reassign-to");
    // and a role named for nothing is a mistake
    assertRefused(with(base, "owned-objects", "drop", "reassign-to", "orphans"), "p.reassign-to");
  }

  private static Map<String, String> with(Map<String, String> base, String... kv) {
    Map<String, String> m = new HashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(P + "p." + kv[i], kv[i + 1]);
    }
    return m;
  }

  private static void assertRefused(Map<String, String> m, String property) {
    assertThatThrownBy(() -> resolve(m, "p"))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining(P + property)
        .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(Kind.PERMANENT));
  }

  private static List<String> roles(Map<String, ?> params) throws ProviderException {
    Map<String, Object> p = new HashMap<>(params);
    p.put("database", "payments");
    return PostgresProvider.KIND.params(p).roles();
  }

  @Test
  void policyParametersAreChecked() throws Exception {
    assertThat(roles(Map.of("roles", List.of("app_reader", "app-writer", "app_reader"))))
        .containsExactly("app_reader", "app-writer");
    assertThat(roles(Map.of("roles", "app_reader"))).containsExactly("app_reader");
    for (Object bad :
        List.of(
            List.of(),
            List.of("app_reader\"; drop table accounts; --"),
            List.of("x y"),
            List.of("a'b"),
            List.of("9lives"),
            List.of(""),
            List.of("r".repeat(64)))) {
      assertThatThrownBy(() -> roles(Map.of("roles", bad)))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("roles")
          .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(Kind.PERMANENT));
    }
    assertThatThrownBy(() -> roles(Map.of()))
        .hasMessageContaining("postgres parameter 'roles' is missing");
    assertThat(PostgresProvider.roleName(UUID.fromString("0b5c2d9e-1f3a-4c6b-8d7e-9f0a1b2c3d4e")))
        .isEqualTo("pc_0b5c2d9e1f3a4c6b8d7e9f0a1b2c3d4e")
        .matches(PostgresProvider.TEMPORARY_ROLE);
  }
}
