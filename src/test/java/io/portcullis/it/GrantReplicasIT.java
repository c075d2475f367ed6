package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.GrantFixtures;
import io.portcullis.testing.StubProviderServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
      // A provider call that gets no answer in time (a loaded machine) is retried: at-least-once.
      // Every call beyond the first must be explained by a retry the engine recorded in the ledger;
      // a repeat without one would mean a batch's outcome was lost.
      Map<String, Long> activationRetries = retries("grant.activation_retry");
      Map<String, Long> revocationRetries = retries("grant.revocation_retry");
      String failedBatches = failedBatches();
      for (UUID id : ids) {
        StubProviderServer.Entry e = stub.entry(id);
        assertThat(e).as("provider entry of %s", id).isNotNull();
        assertThat(e.issueCalls.get())
            .as(
                "issues of %s (activation retries recorded: %s; failed batches: %s)",
                id, activationRetries, failedBatches)
            .isEqualTo(1 + activationRetries.getOrDefault(id.toString(), 0L));
        assertThat(e.revokeCalls.get())
            .as(
                "revokes of %s (revocation retries recorded: %s; failed batches: %s)",
                id, revocationRetries, failedBatches)
            .isEqualTo(1 + revocationRetries.getOrDefault(id.toString(), 0L));
        assertThat(e.live).isFalse();
      }
      System.out.println(
          "GrantReplicasIT: retried activations "
              + activationRetries.size()
              + ", retried revocations "
              + revocationRetries.size());
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
            PackagedApp.demoOn(
                postgres.jdbcUrl(),
                work.resolve("data"),
                "src/test/resources/policies-grants",
                "-Dportcullis.providers.http-stub.url=" + stub.url(),
                "-Dportcullis.grants.node-id=" + node,
                "-Dportcullis.grants.batch-size=10",
                "-Dportcullis.grants.poll-interval=PT0.1S"),
            Map.of(),
            work.resolve(node + ".log"));
    app.awaitReady(Duration.ofSeconds(120));
    return app;
  }

  /** The replicas' log lines about batches that failed (and were rolled back), if any. */
  static String failedBatches() throws Exception {
    StringBuilder out = new StringBuilder();
    for (String node : List.of("replica-a", "replica-b")) {
      Path log = work.resolve(node + ".log");
      if (Files.exists(log)) {
        try (var lines = Files.lines(log)) {
          lines
              .filter(l -> l.contains("batch") && l.contains("failed"))
              .limit(5)
              .forEach(l -> out.append('\n').append(node).append(": ").append(l));
        }
      }
    }
    return out.length() == 0 ? "none" : out.toString();
  }

  /** Retries of one kind recorded in the ledger, per grant id. */
  static Map<String, Long> retries(String eventType) throws Exception {
    Map<String, Long> byGrant = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl());
        PreparedStatement s =
            c.prepareStatement(
                "select targets ->> 'grant', count(*) from audit_event where event_type = ?"
                    + " group by 1")) {
      s.setString(1, eventType);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          byGrant.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return byGrant;
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
