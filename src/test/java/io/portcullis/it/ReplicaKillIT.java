package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.GrantFixtures;
import io.portcullis.testing.StubProviderServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Three packaged replicas on one PostgreSQL under a steady flow of grants, with a random replica
 * killed by SIGKILL every few seconds and started again: no grant is activated twice, no revocation
 * is lost, no two calls for one grant overlap at the provider, and the ledger has no gap. A soak
 * ({@code make soak}), skipped unless {@code -Dsoak=true}: {@code -Dsoak.seconds} (60) of load, a
 * kill every {@code -Dsoak.kill-every} seconds (6).
 */
@EnabledIfSystemProperty(named = "soak", matches = "true")
class ReplicaKillIT {

  static final Duration LAG_BUDGET = Duration.ofSeconds(30);

  static Path work;
  static EmbeddedPostgresLauncher.Running postgres;
  static StubProviderServer stub;
  static GrantInvariants check;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("replica-kill-it");
    postgres = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    stub = StubProviderServer.start(32).latency(5);
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

  static PackagedApp launch(String node, int generation) throws Exception {
    return PackagedApp.start(
        PackagedApp.demoOn(
            postgres.jdbcUrl(),
            work.resolve("data"),
            "src/test/resources/policies-grants",
            "-Dportcullis.providers.http-stub.url=" + stub.url(),
            "-Dportcullis.grants.node-id=" + node + "-" + generation,
            "-Dportcullis.grants.batch-size=10",
            "-Dportcullis.grants.poll-interval=PT0.2S",
            "-Dportcullis.grants.provider-timeout=PT3S",
            "-Dportcullis.grants.activation.initial-backoff=PT0.2S",
            "-Dportcullis.grants.revocation.initial-backoff=PT0.2S",
            "-Dportcullis.grants.revocation.max-backoff=PT1S",
            "-Dquarkus.log.category.\"io.portcullis.grant\".level=INFO"),
        Map.of(),
        work.resolve(node + "-" + generation + ".log"));
  }

  @Test
  void killingReplicasAtRandomLosesNothingAndDoublesNothing() throws Exception {
    int seconds = Integer.getInteger("soak.seconds", 60);
    int killEvery = Integer.getInteger("soak.kill-every", 6);
    long seed = Long.getLong("soak.seed", System.nanoTime());
    Random random = new Random(seed);
    List<AtomicReference<PackagedApp>> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replicas.add(new AtomicReference<>(launch("r" + i, 0)));
    }
    for (AtomicReference<PackagedApp> r : replicas) {
      r.get().awaitReady(Duration.ofSeconds(180));
    }
    AtomicBoolean feeding = new AtomicBoolean(true);
    AtomicInteger fed = new AtomicInteger();
    Thread feeder =
        new Thread(
            () -> {
              while (feeding.get()) {
                try (Connection c = DriverManager.getConnection(postgres.jdbcUrl())) {
                  GrantFixtures.scheduled(c, 5, "lab-stub", "http-stub", null, 1, 4);
                  fed.addAndGet(5);
                  Thread.sleep(250);
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            },
            "soak-feeder");
    feeder.start();
    int kills = 0;
    int[] generation = {1, 1, 1};
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    try {
      while (System.nanoTime() < end) {
        Thread.sleep(killEvery * 1_000L);
        int victim = random.nextInt(3);
        PackagedApp app = replicas.get(victim).get();
        app.kill(); // SIGKILL, wherever it is
        kills++;
        check.always("after kill " + kills + " (replica r" + victim + ")");
        replicas.get(victim).set(launch("r" + victim, generation[victim]++));
      }
    } finally {
      feeding.set(false);
      feeder.join(10_000);
    }
    try {
      for (AtomicReference<PackagedApp> r : replicas) {
        r.get().awaitReady(Duration.ofSeconds(180));
      }
      check.recovered("all replicas back");
      check.awaitQuiet(Duration.ofSeconds(180));
      check.atTheEnd(replicas.get(0).get());
      String row =
          String.format(
              "SOAK-ROW | 3 replicas, kill -9 every %d s for %d s | %d kills, %d grants, provider"
                  + " %d issues / %d revokes, seed %d | no double grant, no lost revocation, no"
                  + " ledger gap | PASS",
              killEvery, seconds, kills, fed.get(), stub.issueCount(), stub.revokeCount(), seed);
      System.out.println(row);
      assertThat(kills).isPositive();
    } finally {
      for (AtomicReference<PackagedApp> r : replicas) {
        r.get().kill();
      }
    }
  }
}
