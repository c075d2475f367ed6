package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.GrantFixtures;
import io.portcullis.testing.StubProviderServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged application on one PostgreSQL share the work and never activate or
 * revoke the same grant at the same time: the provider stub answers slowly (so that overlaps would
 * show) and records any two calls in flight for one grant.
 */
class GrantReplicasIT {

  static Path work;
  static EmbeddedPostgresLauncher.Running postgres;
  static StubProviderServer stub;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("grant-replicas-it");
    postgres = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    stub = StubProviderServer.start(32).latency(20);
  }

  @AfterAll
  static void stop() {
    if (stub != null) {
      stub.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void twoReplicasShareTheGrantsAndNeverWorkOnOneAtOnce() throws Exception {
    int grants = 300;
    try (PackagedApp a = launch("replica-a");
        PackagedApp b = launch("replica-b")) {
      List<UUID> ids;
      try (Connection c = DriverManager.getConnection(postgres.jdbcUrl())) {
        ids = GrantFixtures.scheduled(c, grants, "lab-stub", "http-stub", null, 2, 4);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      long open = grants;
      while (open > 0 && System.nanoTime() < deadline) {
        Thread.sleep(250);
        open = count("select count(*) from access_grant where state <> 'REVOKED'");
      }
      assertThat(open).as("grants still open").isZero();
      assertThat(stub.violations()).isEmpty();
      for (UUID id : ids) {
        StubProviderServer.Entry e = stub.entry(id);
        assertThat(e.issueCalls.get()).as("issues of %s", id).isEqualTo(1);
        assertThat(e.revokeCalls.get()).as("revokes of %s", id).isEqualTo(1);
        assertThat(e.live).isFalse();
      }
      Map<String, Long> byNode = new TreeMap<>();
      try (Connection c = DriverManager.getConnection(postgres.jdbcUrl());
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select details ->> 'node', count(*) from audit_event where event_type in"
                      + " ('grant.activated', 'grant.revoked') group by 1")) {
        while (rs.next()) {
          byNode.put(rs.getString(1), rs.getLong(2));
        }
      }
      System.out.println("GrantReplicasIT: activations and revocations by replica " + byNode);
      assertThat(byNode.keySet()).containsExactlyInAnyOrder("replica-a", "replica-b");
      assertThat(byNode.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2L * grants);
      assertThat(a.get("/api/v1/audit/verify", "dana").body()).contains("\"intact\":true");
    }
  }

  PackagedApp launch(String node) throws Exception {
    PackagedApp app =
        PackagedApp.start(
            List.of(
                "-Dquarkus.profile=demo",
                "-Dportcullis.embedded-db.enabled=false",
                "-Dquarkus.datasource.jdbc.url=" + postgres.jdbcUrl(),
                "-Dquarkus.datasource.username=postgres",
                "-Dportcullis.data-dir=" + work.resolve("data"),
                "-Dportcullis.policy.dir=src/test/resources/policies-grants",
                "-Dportcullis.providers.http-stub.url=" + stub.url(),
                "-Dportcullis.grants.node-id=" + node,
                "-Dportcullis.grants.batch-size=10",
                "-Dportcullis.grants.poll-interval=PT0.1S"),
            Map.of(),
            work.resolve(node + ".log"));
    app.awaitReady(Duration.ofSeconds(120));
    return app;
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
