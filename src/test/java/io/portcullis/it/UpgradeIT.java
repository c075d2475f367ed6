package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * An upgrade from the previous release (issue 21): that release's packaged application (built from
 * its git tag by {@code make upgrade-test}, {@code -Dupgrade.old-app=<its quarkus-run.jar>}) makes
 * a database with its schema and data — an active grant that will end by itself, one to be revoked
 * early, a request waiting for its approver, their ledger — and stops. This build then starts on
 * the same database and data directory (the same keys), migrates it, and must: revoke the old
 * grants (at expiry and early), let the old request be approved into a working grant, and verify
 * the whole ledger, old events and new, as intact.
 */
@EnabledIfSystemProperty(named = "upgrade.old-app", matches = ".+")
class UpgradeIT {

  static final ObjectMapper JSON = new ObjectMapper();

  static Path work;
  static EmbeddedPostgresLauncher.Running postgres;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("upgrade-it");
    postgres = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  static List<String> properties(Path policies) {
    return PackagedApp.demoOn(
        postgres.jdbcUrl(),
        work.resolve("data"),
        policies.toString(),
        "-Dportcullis.grants.poll-interval=PT0.2S");
  }

  @Test
  void theNewBuildTakesOverTheOldReleasesDatabase() throws Exception {
    Path oldJar = Path.of(System.getProperty("upgrade.old-app"));
    Path oldPolicies =
        oldJar.getParent().getParent().getParent().resolve("src/test/resources/policies-grants");
    String expiring;
    String early;
    String pending;
    int oldMigrations;
    try (PackagedApp old =
        PackagedApp.start(oldJar, properties(oldPolicies), Map.of(), work.resolve("old.log"))) {
      old.awaitReady(Duration.ofSeconds(180));
      expiring = grantOf(old.post("/api/v1/requests", "alice", ask("lab-noop", "PT1M")));
      // bob is no engineer: his ask waits for another approver, carol
      String bobs =
          JSON.readTree(old.post("/api/v1/requests", "bob", ask("lab-noop", "PT2H")).body())
              .get("id")
              .asText();
      HttpResponse<String> carol =
          old.post(
              "/api/v1/requests/" + bobs + "/reviews",
              "carol",
              "{\"decision\":\"APPROVE\",\"comment\":\"approved before the upgrade\"}");
      assertThat(carol.statusCode()).as(carol.body()).isIn(200, 201);
      early =
          JSON.readTree(old.get("/api/v1/requests/" + bobs, "bob").body())
              .get("grants")
              .get(0)
              .asText();
      pending =
          JSON.readTree(old.post("/api/v1/requests", "alice", ask("esc-one", "PT1H")).body())
              .get("id")
              .asText();
      awaitState(old, expiring, "ACTIVE", "alice");
      awaitState(old, early, "ACTIVE", "bob");
      assertThat(old.get("/api/v1/audit/verify", "dana").body()).contains("\"intact\":true");
      oldMigrations = (int) count("select count(*) from flyway_schema_history where success");
      assertThat(old.stop()).as("the old release stops cleanly").isIn(0, 143);
    }
    try (PackagedApp app =
        PackagedApp.start(
            properties(Path.of("src/test/resources/policies-grants")),
            Map.of(),
            work.resolve("new.log"))) {
      app.awaitReady(Duration.ofSeconds(180));
      int newMigrations = (int) count("select count(*) from flyway_schema_history where success");
      System.out.printf(
          "UpgradeIT: migrations applied by the old release %d, by this build %d more%n",
          oldMigrations, newMigrations - oldMigrations);
      assertThat(newMigrations).isGreaterThanOrEqualTo(oldMigrations);

      awaitState(app, expiring, "REVOKED", "alice"); // its minute runs out under the new build
      HttpResponse<String> revoke =
          app.post("/api/v1/grants/" + early + "/revoke", "bob", "{\"reason\":\"upgrade test\"}");
      assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(202);
      awaitState(app, early, "REVOKED", "bob");

      HttpResponse<String> approve =
          app.post(
              "/api/v1/requests/" + pending + "/reviews",
              "bob",
              "{\"decision\":\"APPROVE\",\"comment\":\"approved after the upgrade\"}");
      assertThat(approve.statusCode()).as(approve.body()).isIn(200, 201);
      JsonNode request = JSON.readTree(app.get("/api/v1/requests/" + pending, "alice").body());
      assertThat(request.get("state").asText()).isEqualTo("APPROVED");
      String grant = request.get("grants").get(0).asText();
      awaitState(app, grant, "ACTIVE", "alice");

      HttpResponse<String> verify = app.get("/api/v1/audit/verify", "dana");
      assertThat(verify.body()).as("the ledger, old events and new").contains("\"intact\":true");
      System.out.println("UpgradeIT: " + verify.body());
    }
  }

  static String ask(String entitlement, String duration) {
    return "{\"entitlements\":[\""
        + entitlement
        + "\"],\"duration\":\""
        + duration
        + "\",\"justification\":\"upgrade test\"}";
  }

  static String grantOf(HttpResponse<String> submitted) throws Exception {
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    return JSON.readTree(submitted.body()).get("grants").get(0).asText();
  }

  static void awaitState(PackagedApp app, String grant, String state, String owner)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = app.get("/api/v1/grants/" + grant, owner).body();
      if (JSON.readTree(last).path("state").asText().equals(state)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("grant " + grant + " never reached " + state + ": " + last);
  }

  static long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
