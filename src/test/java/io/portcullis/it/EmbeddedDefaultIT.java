package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code make run} does, end to end: the packaged jar in the demo profile starts its own
 * PostgreSQL in a data directory, serves the demo users, and keeps its data across a clean stop and
 * across a crash.
 */
class EmbeddedDefaultIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EVENTS_PER_START = 2;

  @TempDir Path work;

  private PackagedApp start(String name) throws Exception {
    return PackagedApp.start(
        List.of("-Dquarkus.profile=demo", "-Dportcullis.data-dir=" + work.resolve("data")),
        Map.of(),
        work.resolve(name + ".log"));
  }

  private static JsonNode verifyLedger(PackagedApp app) throws Exception {
    var r = app.get("/api/v1/audit/verify", "dana");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void demoStartsOnItsOwnDatabaseAndKeepsDataAcrossRestartsAndCrashes() throws Exception {
    try (PackagedApp first = start("first")) {
      first.awaitReady(Duration.ofSeconds(120));
      assertThat(first.output())
          .contains("Portcullis is ready at http://localhost:" + first.port)
          .contains("alice / alice")
          .contains("curl -u alice:alice");
      var me = first.get("/api/v1/me", "alice");
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(me.body()).get("subject").asText()).isEqualTo("demo:alice");
      assertThat(first.get("/api/v1/me", null).statusCode()).isEqualTo(401);
      JsonNode ledger = verifyLedger(first);
      assertThat(ledger.get("intact").asBoolean()).isTrue();
      // each start records system.started and policy.accepted
      assertThat(ledger.get("checked").asLong()).isEqualTo(EVENTS_PER_START);
      assertThat(first.get("/api/v1/audit/verify", "alice").statusCode()).isEqualTo(403);
      assertThat(first.stop()).as("exit status after SIGTERM").isIn(0, 143);
    }
    Path pid = work.resolve("data/pg/postmaster.pid");
    assertThat(pid).as("PostgreSQL stopped with the application").doesNotExist();

    try (PackagedApp second = start("second")) {
      second.awaitReady(Duration.ofSeconds(120));
      JsonNode ledger = verifyLedger(second);
      assertThat(ledger.get("checked").asLong())
          .as("the first run's events survived")
          .isEqualTo(2 * EVENTS_PER_START);
      assertThat(ledger.get("intact").asBoolean()).isTrue();
      second.kill();
    }
    assertThat(Files.exists(pid)).as("a crash leaves PostgreSQL behind").isTrue();

    try (PackagedApp third = start("third")) {
      third.awaitReady(Duration.ofSeconds(120));
      assertThat(third.output()).contains("orphaned PostgreSQL");
      JsonNode ledger = verifyLedger(third);
      assertThat(ledger.get("checked").asLong()).isEqualTo(3 * EVENTS_PER_START);
      assertThat(ledger.get("intact").asBoolean()).isTrue();
      assertThat(third.stop()).isIn(0, 143);
    }
  }
}
