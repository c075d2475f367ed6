package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.Tokens;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar in the prod profile: database from the environment, unsafe settings refused. */
class ProdProfileIT {

  @TempDir static Path work;
  private static EmbeddedPostgresLauncher.Running postgres;
  private static OidcWiremockTestResource oidc;
  private static String issuer;

  @BeforeAll
  static void databaseAndIdentityProvider() {
    postgres = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    oidc = new OidcWiremockTestResource();
    issuer = oidc.start().get("keycloak.url") + "/realms/quarkus";
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
    if (oidc != null) {
      oidc.stop();
    }
  }

  /** Made at test time: the signing key a deployment would set. */
  private static final String SIGNING_KEY =
      java.util.Base64.getEncoder()
          .encodeToString(io.portcullis.audit.Ed25519Keys.generate().getPrivate().getEncoded());

  private static Map<String, String> env() {
    return Map.of(
        "PORTCULLIS_DB_URL",
        postgres.jdbcUrl().replaceFirst("\\?.*$", ""),
        "PORTCULLIS_DB_USER",
        "postgres",
        "PORTCULLIS_DB_PASSWORD",
        "",
        "PORTCULLIS_OIDC_ISSUER",
        issuer,
        "PORTCULLIS_OIDC_AUDIENCE",
        Tokens.AUDIENCE,
        "PORTCULLIS_OIDC_CLIENT_SECRET",
        "secret",
        "PORTCULLIS_GRANTS_CREDENTIAL_KEY",
        "cHJvZC1wcm9maWxlLWl0LWtleS0zMi1ieXRlcy0hISE=",
        "PORTCULLIS_AUDIT_HMAC_KEY",
        "cHJvZC1wcm9maWxlLWl0LWF1ZGl0LWhtYWMta2V5ISE=",
        "PORTCULLIS_AUDIT_SIGNING_KEY",
        SIGNING_KEY,
        "PORTCULLIS_REQUESTS_SECURITY_CONTACTS",
        "secops@portcullis.dev");
  }

  @Test
  void demoSignInIsRefusedNamingTheProperty() throws Exception {
    try (PackagedApp app =
        PackagedApp.start(
            List.of("-Dportcullis.demo.enabled=true"), env(), work.resolve("unsafe.log"))) {
      assertThat(app.process.waitFor(120, TimeUnit.SECONDS)).as("startup fails").isTrue();
      assertThat(app.process.exitValue()).isNotZero();
      assertThat(app.output())
          .contains("refuses to start in the prod profile")
          .contains("portcullis.demo.enabled");
    }
  }

  @Test
  void safeSettingsStartWithJsonLogsAndNoDemoUsers() throws Exception {
    try (PackagedApp app = PackagedApp.start(List.of(), env(), work.resolve("safe.log"))) {
      app.awaitReady(Duration.ofSeconds(120));
      assertThat(app.get("/api/v1/me", "alice").statusCode()).isEqualTo(401);
      var me = app.get("/api/v1/me", null, Tokens.token("prod-subject", Set.of("auditors")));
      assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
      assertThat(me.body()).contains("\"subject\":\"prod-subject\"");
      assertThat(app.get("/login", null).statusCode()).isEqualTo(404);
      assertThat(app.get("/q/swagger-ui", null).statusCode()).isEqualTo(404);
      // metrics and OpenAPI are on the management interface, never on the public port
      assertThat(app.get("/q/metrics", null).statusCode()).isEqualTo(404);
      assertThat(app.get("/q/openapi", null).statusCode()).isEqualTo(404);
      var metrics = app.management("/q/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("portcullis_");
      assertThat(app.management("/q/openapi").body()).contains("/api/v1/requests");
      // readiness stays public on the main port, without its details
      var ready = app.get("/q/health/ready", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"name\": \"policy\"").doesNotContain("\"version\"");
      var detailed =
          app.get("/q/health/ready", null, Tokens.token("prod-auditor", Set.of("auditors")));
      assertThat(detailed.body()).contains("\"version\"");
      ObjectMapper json = new ObjectMapper();
      List<String> lines = app.output().lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).isNotEmpty();
      for (String line : lines) {
        assertThat(json.readTree(line).has("message")).as(line).isTrue();
      }
      assertThat(app.stop()).isIn(0, 143);
    }
  }
}
