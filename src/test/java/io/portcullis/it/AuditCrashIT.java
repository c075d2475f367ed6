package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditChainVerifier;
import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.Schema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger across a crash (ADR 0014): a process appends events from 16 threads, each with a state
 * change in the same transaction, and is killed with SIGKILL while events it committed as pending
 * are not yet chained. A sequencer started afterwards on the same database chains them. Then the
 * chain is gapless and verifies, every committed change has exactly one event and every event its
 * change, every change the killed process reported as done is there, and each thread's events are
 * chained in the order it committed them.
 */
class AuditCrashIT {

  static final int WRITERS = 16;

  static Path work;
  static EmbeddedPostgresLauncher.Running postgres;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("audit-crash-it");
    postgres = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    Schema.migrate(postgres.jdbcUrl());
    try (Connection c = db();
        Statement s = c.createStatement()) {
      s.execute("create table audit_crash_probe (probe text primary key)");
    }
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  static Connection db() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl());
  }

  static long count(String sql) throws SQLException {
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static Process child(Path log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.portcullis.bench.AuditCrashChild");
    cmd.add(postgres.jdbcUrl());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(log.toFile()).start();
  }

  @Test
  void aKillWithEventsCommittedButNotChainedLosesNoneAndKeepsTheChain() throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    long pendingAtKill = 0;
    int kills = 0;
    // kill until a kill lands with committed events not yet chained (nearly always the first)
    while (pendingAtKill == 0 && kills < 5) {
      kills++;
      Process p =
          child(work.resolve("writer-" + kills + ".log"), String.valueOf(WRITERS), "run" + kills);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    if (line.startsWith("OK ")) {
                      acknowledged.add(line.substring(3));
                    } else if (line.startsWith("FAILED ")) {
                      failures.add(line);
                    }
                  }
                } catch (java.io.IOException ignored) {
                  // the process was killed
                }
              });
      reader.start();
      int before = acknowledged.size();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (acknowledged.size() < before + 1_000) {
        assertThat(p.isAlive()).as("the writer process died").isTrue();
        assertThat(failures).as("a writer thread failed").isEmpty();
        assertThat(System.nanoTime()).as("1,000 appends within 90 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (count("select count(*) from audit_pending") == 0 && System.nanoTime() < until) {
        Thread.sleep(1);
      }
      p.destroyForcibly(); // SIGKILL
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      pendingAtKill = count("select count(*) from audit_pending");
    }
    assertThat(pendingAtKill)
        .as("a kill left events committed as pending and not chained")
        .isPositive();
    long chainedAtKill = count("select count(*) from audit_event");

    Process recover = child(work.resolve("recover.log"), "recover");
    String out = new String(recover.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(recover.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("RECOVERED");
    assertThat(count("select count(*) from audit_pending")).as("left pending").isZero();

    // the chain: gapless from 1, links and hashes, up to the head
    AuditChainVerifier verifier = new AuditChainVerifier();
    Map<String, Integer> eventsPerProbe = new HashMap<>();
    Map<String, Long> lastN = new HashMap<>();
    List<String> outOfOrder = new ArrayList<>();
    long head;
    String headHash;
    try (Connection c = db();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("select last_seq, last_hash from audit_head")) {
        rs.next();
        head = rs.getLong(1);
        headHash = rs.getString(2);
      }
      try (ResultSet rs =
          s.executeQuery("select " + AuditLog.COLUMNS + " from audit_event order by seq")) {
        while (rs.next()) {
          AuditRecord r = AuditLog.record(rs);
          verifier.accept(r);
          if (r.type().equals("test.crash_probe")) {
            eventsPerProbe.merge(r.targets().get("probe"), 1, Integer::sum);
            String writer = r.details().get("run") + "/" + r.details().get("writer");
            long n = ((Number) r.details().get("n")).longValue();
            Long last = lastN.put(writer, n);
            if (last != null && n <= last) {
              outOfOrder.add("writer " + writer + ": " + n + " after " + last);
            }
          }
        }
      }
    }
    verifier.acceptHead(head, headHash);
    AuditChainVerifier.Result result = verifier.result();
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.checked()).isEqualTo(head);

    Set<String> changes = new HashSet<>();
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select probe from audit_crash_probe")) {
      while (rs.next()) {
        changes.add(rs.getString(1));
      }
    }
    assertThat(eventsPerProbe.keySet()).as("every event has its change").isEqualTo(changes);
    assertThat(eventsPerProbe.values()).as("one event per change").containsOnly(1);
    assertThat(changes).as("every change reported done").containsAll(acknowledged);
    assertThat(outOfOrder).as("a writer's events out of its commit order").isEmpty();
    System.out.printf(
        "AuditCrashIT: %d kill(s); %d changes committed, %d reported done; at the kill %d events"
            + " chained and %d pending; after recovery %d chained, gapless and intact%n",
        kills, changes.size(), acknowledged.size(), chainedAtKill, pendingAtKill, head);
  }
}
