package io.portcullis.bench;

import io.portcullis.notify.OutboxFixtures;
import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.WebhookStub;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Notification delivery through the packaged application (ADR 0013): {@code bench.notify.messages}
 * (10,000) {@code grant.active} events are committed to the outbox in transactions of {@code
 * bench.notify.chunk} (100) as fast as the bench JVM writes them, each addressed to one Standard
 * Webhooks endpoint, a receiver in this JVM ({@link WebhookStub}: checks every signature, answers
 * 204 after {@code bench.notify.stub-latency} ms, 0 by default). The application routes them
 * (outbox → one delivery each) and its delivery workers send them; the bench waits until the
 * receiver holds every event and every delivery is SENT.
 *
 * <p>"Two delivery workers" is measured both ways: one application with {@code
 * portcullis.notify.delivery.workers=2} (what the setting means: sender threads per replica, the
 * default), and two applications with one worker each on the same database (two replicas sharing
 * the queue through {@code SKIP LOCKED}). Everything else is the application's default
 * configuration (batches of 50 sends and 200 routed events, 2 s idle poll).
 *
 * <p>Each configuration first delivers {@code bench.notify.warmup} (2,000) messages that are not
 * measured, as a server that has run a while has its delivery path compiled. Reported: messages/s
 * over first enqueue commit → last receipt (target ≥ 500/s), latency from a message's enqueue
 * commit (its transaction's COMMIT returned in the bench JVM) to the receiver getting it (same JVM
 * clock), repeats, and who used the CPUs meanwhile ({@link MachineLoad}). {@code bench.notify.runs}
 * ({@code threads,replicas}) picks the configurations; {@code bench.notify.app-opts} adds JVM
 * arguments to the applications (e.g. a JFR recording).
 */
final class NotifyBench {

  static final double TARGET = 500;
  static final String SECRET_ENV = "PORTCULLIS_BENCH_WEBHOOK_SECRET";
  static final String APP_HEAP = "-Xmx512m";

  private NotifyBench() {}

  record Config(
      int messages,
      int warmup,
      int chunk,
      int stubLatency,
      List<String> runs,
      Duration timeout,
      List<String> appOpts) {
    static Config fromSystemProperties() {
      String opts = System.getProperty("bench.notify.app-opts", "").trim();
      return new Config(
          Integer.getInteger("bench.notify.messages", 10_000),
          Integer.getInteger("bench.notify.warmup", 2_000),
          Integer.getInteger("bench.notify.chunk", 100),
          Integer.getInteger("bench.notify.stub-latency", 0),
          List.of(System.getProperty("bench.notify.runs", "threads,replicas").split(",")),
          Duration.parse(System.getProperty("bench.notify.timeout", "PT5M")),
          opts.isEmpty() ? List.of() : List.of(opts.split("\\s+")));
    }
  }

  static List<BenchMain.Row> run() throws Exception {
    if (!Files.exists(GrantBench.JAR)) {
      throw new IllegalStateException(GrantBench.JAR + " is missing: run 'mvn package' first");
    }
    Config cfg = Config.fromSystemProperties();
    Path work = Files.createTempDirectory("bench-notify");
    List<BenchMain.Row> rows = new ArrayList<>();
    EmbeddedPostgresLauncher.Running pg = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    try (WebhookStub stub = WebhookStub.start(8).latency(cfg.stubLatency())) {
      String shared = GrantBench.sharedNote(pg.jdbcUrl());
      for (String run : cfg.runs()) {
        String r = run.trim();
        if (r.equals("threads")) {
          rows.addAll(measure(cfg, work, pg, stub, 1, 2, shared));
        } else if (r.equals("replicas")) {
          rows.addAll(measure(cfg, work, pg, stub, 2, 1, shared));
        } else if (!r.isEmpty()) {
          throw new IllegalArgumentException(
              "-Dbench.notify.runs: unknown run '" + r + "'; choose among threads, replicas");
        }
      }
    } finally {
      pg.close();
      GrantBench.deleteTree(work);
    }
    return rows;
  }

  static List<BenchMain.Row> measure(
      Config cfg,
      Path work,
      EmbeddedPostgresLauncher.Running pg,
      WebhookStub stub,
      int apps,
      int workers,
      String shared)
      throws Exception {
    String bench =
        apps == 1
            ? "notify (1 app × " + workers + " workers)"
            : "notify (" + apps + " apps × " + workers + " worker)";
    int n = cfg.messages();
    progress("%s: starting", bench);
    List<Process> started = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    try {
      for (int i = 0; i < apps; i++) {
        Path log = work.resolve("app-" + apps + "x" + workers + "-" + i + ".log");
        logs.add(log);
        // one after the other: the first migrates the schema and writes the demo keys
        started.add(start(cfg, work, pg.jdbcUrl(), stub, workers, log));
      }
      clean(pg.jdbcUrl()); // an earlier configuration's events
      stub.clear();
      if (cfg.warmup() > 0) {
        // a server that has run a while: its delivery path compiled by the JIT
        progress("%s: warm-up, %d messages (not measured)", bench, cfg.warmup());
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl())) {
          OutboxFixtures.grantsActive(c, cfg.warmup(), List.of("webhook:bench"));
        }
        long until = System.nanoTime() + cfg.timeout().toNanos();
        while (stub.byEvent().size() < cfg.warmup() && System.nanoTime() < until) {
          Thread.sleep(50);
        }
        awaitRecorded(pg.jdbcUrl(), cfg.warmup(), Duration.ofSeconds(30));
      }
      clean(pg.jdbcUrl());
      stub.clear();
      Set<Long> ours = new HashSet<>();
      started.forEach(p -> ours.add(p.pid()));
      ours.add(ProcessHandle.current().pid());
      Set<Long> postgres = MachineLoad.treeOf(pg.dataDirectory().toString());
      ours.addAll(postgres);

      progress("%s: enqueuing %d messages in transactions of %d", bench, n, cfg.chunk());
      MachineLoad.Snapshot before = MachineLoad.snapshot();
      Map<UUID, Long> committedAt = new HashMap<>(n * 2);
      long firstCommit = 0;
      long enqueueStart = System.nanoTime();
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl())) {
        c.setAutoCommit(false);
        for (int done = 0; done < n; done += cfg.chunk()) {
          List<UUID> ids =
              OutboxFixtures.grantsActive(
                  c, Math.min(cfg.chunk(), n - done), List.of("webhook:bench"));
          c.commit();
          long at = System.nanoTime();
          if (firstCommit == 0) {
            firstCommit = at;
          }
          for (UUID id : ids) {
            committedAt.put(id, at);
          }
        }
      }
      double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
      progress(
          "%s: enqueued in %s; waiting for the receiver", bench, GrantBench.secs(enqueueSeconds));
      long deadline = System.nanoTime() + cfg.timeout().toNanos();
      while (stub.byEvent().size() < n && System.nanoTime() < deadline) {
        for (Process p : started) {
          if (!p.isAlive()) {
            throw new IllegalStateException("an application exited: " + tail(logs));
          }
        }
        Thread.sleep(20);
      }
      MachineLoad.Snapshot after = MachineLoad.snapshot();
      boolean complete = stub.byEvent().size() >= n;
      Map<String, Long> statuses = awaitRecorded(pg.jdbcUrl(), n, Duration.ofSeconds(30));

      long[] latency = new long[committedAt.size()];
      long firstReceipt = Long.MAX_VALUE;
      long lastReceipt = 0;
      int k = 0;
      int repeats = 0;
      for (Map.Entry<UUID, Long> e : committedAt.entrySet()) {
        List<WebhookStub.Received> got = stub.byEvent().get(e.getKey());
        if (got == null || got.isEmpty()) {
          continue;
        }
        long first = got.stream().mapToLong(WebhookStub.Received::nanos).min().orElseThrow();
        firstReceipt = Math.min(firstReceipt, first);
        lastReceipt = Math.max(lastReceipt, first);
        latency[k++] = first - e.getValue();
        repeats += got.size() - 1;
      }
      latency = Arrays.copyOf(latency, k);
      Arrays.sort(latency);
      double seconds = (lastReceipt - firstCommit) / 1e9;
      double rate = k / seconds;
      double appCpu = 0;
      for (Process p : started) {
        appCpu += MachineLoad.seconds(before, after, List.of(p.pid()));
      }
      double pgCpu = MachineLoad.seconds(before, after, postgres);
      double benchCpu = MachineLoad.seconds(before, after, List.of(ProcessHandle.current().pid()));
      double busy = MachineLoad.busySeconds(before, after);
      double window = (after.nanos() - before.nanos()) / 1e9;
      double others = Math.max(0, busy - appCpu - pgCpu - benchCpu);
      int cores = Runtime.getRuntime().availableProcessors();
      String setup =
          (apps == 1
                  ? "one app, portcullis.notify.delivery.workers=" + workers + " (sender threads)"
                  : apps
                      + " apps on one database, workers="
                      + workers
                      + " each (replicas sharing the queue)")
              + ", other delivery settings default (send batch 50, route batch 200, idle poll 2"
              + " s); "
              + n
              + " grant.active events to one webhook endpoint, enqueued in "
              + GrantBench.secs(enqueueSeconds)
              + " (transactions of "
              + cfg.chunk()
              + "); receiver latency "
              + cfg.stubLatency()
              + " ms; "
              + shared;
      List<BenchMain.Row> rows = new ArrayList<>();
      rows.add(
          new BenchMain.Row(
              bench,
              GrantBench.label(n) + " messages: messages/s",
              String.format(Locale.ROOT, "%.0f", rate),
              (rate >= TARGET ? "PASS" : "FAIL")
                  + " (target ≥ "
                  + (int) TARGET
                  + "/s); "
                  + (complete ? "all " + n : "TIMED OUT: " + k + " of " + n)
                  + " received, first enqueue COMMIT → last receipt "
                  + GrantBench.secs(seconds)
                  + ", first receipt after "
                  + GrantBench.secs((firstReceipt - firstCommit) / 1e9)
                  + "; "
                  + repeats
                  + " repeats; deliveries "
                  + statuses
                  + "; "
                  + setup));
      rows.add(
          new BenchMain.Row(
              bench,
              "enqueue commit → received: p50 / p99 / max",
              String.format(
                  Locale.ROOT,
                  "%s / %s / %s",
                  GrantBench.millis(percentile(latency, 0.50) / 1e6),
                  GrantBench.millis(percentile(latency, 0.99) / 1e6),
                  GrantBench.millis(k == 0 ? 0 : latency[k - 1] / 1e6)),
              "per message: its transaction's COMMIT returned (bench JVM) → the receiver read it"
                  + " (same JVM clock); the whole backlog is committed at once, so this includes"
                  + " the wait behind earlier messages"));
      rows.add(
          new BenchMain.Row(
              bench,
              "CPU while it ran: app / PostgreSQL / bench / others",
              String.format(
                  Locale.ROOT, "%.1f / %.1f / %.1f / %.1f s", appCpu, pgCpu, benchCpu, others),
              String.format(
                  Locale.ROOT,
                  "CPU seconds over %.1f s of %d cores (%.0f%% busy); others = machine busy time"
                      + " minus ours (other users of the shared cores), busiest: %s; load average"
                      + " %s → %s",
                  window,
                  cores,
                  100 * busy / (window * cores),
                  String.join(", ", MachineLoad.busiestOthers(before, after, ours, 4)),
                  before.load(),
                  after.load())));
      return rows;
    } finally {
      for (Process p : started) {
        p.destroy();
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(20, TimeUnit.SECONDS);
        }
      }
    }
  }

  static Process start(
      Config cfg, Path work, String jdbcUrl, WebhookStub stub, int workers, Path log)
      throws Exception {
    BenchApp.Ports ports = BenchApp.Ports.free();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(APP_HEAP);
    cmd.addAll(BenchApp.onDatabase(jdbcUrl, ports));
    cmd.add(
        "-Dportcullis.policy.dir="
            + Path.of("src", "test", "resources", "policies-grants").toAbsolutePath());
    cmd.add("-Dportcullis.data-dir=" + Files.createDirectories(work.resolve("data")));
    cmd.add("-Dportcullis.notify.delivery.workers=" + workers);
    cmd.add("-Dportcullis.notify.webhook.enabled=true");
    cmd.add("-Dportcullis.notify.webhook.endpoints.bench.url=" + stub.url());
    cmd.add("-Dportcullis.notify.webhook.endpoints.bench.secrets=env:" + SECRET_ENV);
    cmd.addAll(cfg.appOpts());
    cmd.add("-jar");
    cmd.add(GrantBench.JAR.toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put(SECRET_ENV, WebhookStub.SECRET);
    Process p = pb.start();
    try {
      RequestBench.awaitReady(HttpClient.newHttpClient(), ports.base(), p, log);
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
    return p;
  }

  /** Removes earlier runs' events and deliveries. */
  static void clean(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.executeUpdate("delete from notification_delivery");
      s.executeUpdate("delete from notification_event");
      s.execute("vacuum analyze notification_delivery, notification_event");
    }
  }

  /** Deliveries by status once every one is recorded (the last SENT commits after its receipt). */
  static Map<String, Long> awaitRecorded(String url, int n, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Map<String, Long> out;
    do {
      out = new LinkedHashMap<>();
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select status, count(*) from notification_delivery group by 1 order by 1")) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
      if (out.getOrDefault("SENT", 0L) >= n) {
        return out;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return out;
  }

  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static String tail(List<Path> logs) {
    StringBuilder b = new StringBuilder();
    for (Path l : logs) {
      try {
        String s = Files.readString(l);
        b.append(s.length() > 2000 ? s.substring(s.length() - 2000) : s);
      } catch (java.io.IOException e) {
        // best effort
      }
    }
    return b.toString();
  }

  static void progress(String format, Object... args) {
    System.out.printf(
        Locale.ROOT,
        "[notify %s] %s%n",
        java.time.LocalTime.now().format(GrantBench.CLOCK),
        String.format(Locale.ROOT, format, args));
  }
}
