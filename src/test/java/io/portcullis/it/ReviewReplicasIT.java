package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged application, one PostgreSQL, a review definition that fires every
 * ten seconds and a scheduler that looks every second on both: each firing opens exactly one
 * campaign, with one review.campaign_opened event.
 */
class ReviewReplicasIT {

  static Path work;
  static EmbeddedPostgresLauncher.Running postgres;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("review-replicas-it");
    postgres = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void eachFiringOpensOneCampaignHoweverManyReplicasRun() throws Exception {
    try (PackagedApp a = launch("replica-a");
        PackagedApp b = launch("replica-b")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (count("select count(distinct scheduled_for) from review_campaign") < 3
          && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      Map<String, Long> perFiring = new TreeMap<>();
      try (Connection c = DriverManager.getConnection(postgres.jdbcUrl());
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select scheduled_for::text, count(*) from review_campaign"
                      + " where definition = 'every-ten-seconds' group by 1")) {
        while (rs.next()) {
          perFiring.put(rs.getString(1), rs.getLong(2));
        }
      }
      System.out.println("ReviewReplicasIT: campaigns per firing " + perFiring);
      assertThat(perFiring).hasSizeGreaterThanOrEqualTo(3);
      assertThat(perFiring.values()).allMatch(n -> n == 1);
      // one statement, one snapshot: a campaign that opens meanwhile commits with its event
      assertThat(
              count(
                  "select (select count(*) from audit_event where event_type ="
                      + " 'review.campaign_opened') - (select count(*) from review_campaign)"))
          .as("campaigns opened without their review.campaign_opened event, or the reverse")
          .isZero();
      assertThat(a.get("/api/v1/audit/verify", "dana").body()).contains("\"intact\":true");
    }
  }

  PackagedApp launch(String node) throws Exception {
    PackagedApp app =
        PackagedApp.start(
            PackagedApp.demoOn(
                postgres.jdbcUrl(),
                work.resolve("data"),
                "src/test/resources/policies-review-replicas",
                "-Dportcullis.grants.node-id=" + node,
                "-Dportcullis.review.schedule-check=1s"),
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
