package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.GrantFixtures;
import io.portcullis.testing.StubProviderServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crash safety of the grant engine, for real: the packaged application runs as a child process with
 * a fault point armed (after the claim and before the provider call; after the provider call and
 * before the commit; in the middle of a batch), stops dead there, and is killed with SIGKILL. The
 * next child recovers (its startup sweep), the invariants are checked, and it is armed for the next
 * crash. PostgreSQL and the provider (a stub speaking the http-stub protocol) live in this JVM and
 * survive every crash, so the provider's own records count every issue and every revoke.
 *
 * <p>Iterations: {@code -Dfault.iterations} (3 in {@code make test}, 200 in {@code make
 * fault-test}); {@code -Dfault.seed} repeats a run.
 */
class GrantCrashIT {

  static final String[] POINTS = {"after-claim", "after-provider", "mid-batch"};
  static final String[] OPERATIONS = {"activate", "revoke", "any"};
  static final Duration LAG_BUDGET = Duration.ofSeconds(30);

  static Path work;
  static EmbeddedPostgresLauncher.Running postgres;
  static StubProviderServer stub;
  static GrantInvariants check;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("grant-crash-it");
    postgres = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    stub = StubProviderServer.start(16).latency(3);
    check = new GrantInvariants(postgres.jdbcUrl(), stub, LAG_BUDGET);
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

  static Connection db() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl());
  }

  static List<String> properties(String node, List<String> fault) {
    List<String> p =
        new ArrayList<>(
            PackagedApp.demoOn(
                postgres.jdbcUrl(), work.resolve("data"), "src/test/resources/policies-grants"));
    p.add("-Dportcullis.providers.http-stub.url=" + stub.url());
    p.add("-Dportcullis.grants.node-id=" + node);
    p.add("-Dportcullis.grants.batch-size=6");
    p.add("-Dportcullis.grants.poll-interval=PT0.2S");
    p.add("-Dportcullis.grants.provider-timeout=PT3S");
    p.add("-Dportcullis.grants.activation.initial-backoff=PT0.2S");
    p.add("-Dportcullis.grants.revocation.initial-backoff=PT0.2S");
    p.add("-Dportcullis.grants.revocation.max-backoff=PT1S");
    p.add("-Dportcullis.grants.lag-budget=PT" + LAG_BUDGET.toSeconds() + "S");
    p.add("-Dquarkus.log.category.\"io.portcullis.grant\".level=INFO");
    p.addAll(fault);
    return p;
  }

  static PackagedApp launch(String node, List<String> fault, Path log) throws Exception {
    PackagedApp app = PackagedApp.start(properties(node, fault), Map.of(), log);
    app.awaitReady(Duration.ofSeconds(120));
    awaitLog(app, "Grant engine ready", Duration.ofSeconds(60));
    return app;
  }

  static boolean awaitLog(PackagedApp app, String text, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (app.output().contains(text)) {
        return true;
      }
      if (!app.process.isAlive()) {
        throw new AssertionError("The application died:\n" + tail(app.output()));
      }
      Thread.sleep(50);
    }
    return false;
  }

  static String tail(String s) {
    return s.length() > 6_000 ? s.substring(s.length() - 6_000) : s;
  }

  @Test
  void crashesAtEveryFaultPointLoseNothingAndDoubleNothing() throws Exception {
    int iterations = Integer.getInteger("fault.iterations", 3);
    long seed = Long.getLong("fault.seed", System.nanoTime());
    Random random = new Random(seed);
    System.out.printf("GrantCrashIT: %d iteration(s), seed %d%n", iterations, seed);
    Map<String, Integer> fired = new HashMap<>();
    for (int i = 0; i < iterations; i++) {
      String point = POINTS[i % POINTS.length];
      String operation = OPERATIONS[random.nextInt(OPERATIONS.length)];
      int skip = random.nextInt(3);
      Path log = work.resolve("child-" + i + ".log");
      PackagedApp app =
          launch(
              "crash-" + i,
              List.of(
                  "-Dportcullis.grants.fault.point=" + point,
                  "-Dportcullis.grants.fault.operation=" + operation,
                  "-Dportcullis.grants.fault.skip=" + skip),
              log);
      try {
        // the previous child was killed; this one has swept what it left
        check.recovered("iteration " + i + " after restart");
        boolean hit = false;
        for (int round = 0; round < 6 && !hit; round++) {
          try (Connection c = db()) {
            GrantFixtures.scheduled(c, 12, "lab-stub", "http-stub", null, 1, 3);
          }
          hit = awaitLog(app, "PORTCULLIS-FAULT", Duration.ofSeconds(8));
        }
        assertThat(hit)
            .as("fault %s/%s/skip %d never fired:%n%s", point, operation, skip, tail(app.output()))
            .isTrue();
        fired.merge(point + "/" + operation, 1, Integer::sum);
      } finally {
        app.kill(); // SIGKILL, at the fault point
      }
      check.always("iteration " + i + " after kill -9 at " + point + "/" + operation);
    }
    // a last child without faults finishes everything
    PackagedApp last = launch("final", List.of(), work.resolve("final.log"));
    try {
      check.recovered("final restart");
      check.awaitQuiet(Duration.ofSeconds(90));
      check.atTheEnd(last);
    } finally {
      last.kill();
    }
    System.out.printf(
        "GrantCrashIT: faults fired %s; provider saw %d issues, %d revokes%n",
        fired, stub.issueCount(), stub.revokeCount());
    System.out.printf(
        "SOAK-ROW | kill -9 at the engine's fault points, %d iterations | faults fired %s, seed %d"
            + " | nothing lost or doubled, ledger intact | PASS%n",
        iterations, fired, seed);
  }
}
