package io.portcullis.bench;

import io.portcullis.audit.AuditChainVerifier;
import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.GrantFixtures;
import io.portcullis.testing.StubProviderServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The grant engine through the packaged application: revocation lag with grants whose ends are
 * spread over a window, the drain of a backlog that falls due at once (beside the same drain with
 * one Quartz trigger per grant, see {@link QuartzPerGrantBench}), and the application's resident
 * memory as active grants pile up.
 *
 * <p>System properties (durations in ISO-8601):
 *
 * <ul>
 *   <li>{@code bench.grants.scale} (1.0): multiplies every grant count;
 *   <li>{@code bench.grants.only} (unset): {@code memory} runs only the memory part (about 4
 *       minutes at full scale);
 *   <li>{@code bench.grants.spread} (PT10M): the window over which the lag runs' grants end;
 *   <li>{@code bench.grants.lead} (PT30S): from the insert to the first end (the insert must commit
 *       before any grant ends);
 *   <li>{@code bench.grants.margin} (PT5M): how long to wait beyond the last end (or after the
 *       commit, for the drain) before giving up;
 *   <li>{@code bench.quartz.time-box} (PT2M): how long Quartz works on the large backlog after its
 *       first job fired; {@code bench.quartz.timeout} (PT10M): limit of its full drain; {@code
 *       bench.quartz.threads} (10), {@code bench.quartz.batch} (10, batch trigger acquisition),
 *       {@code bench.quartz.chunk} (1000 triggers per scheduling transaction), {@code
 *       bench.quartz.warmup} (2000 grants drained before the measured runs, not scaled);
 *   <li>{@code bench.grants.warmup} (PT20S), {@code bench.grants.settle} (PT30S): before the first
 *       memory reading and after each insert;
 *   <li>{@code bench.grants.app-opts}: extra arguments for the application's JVM (space separated).
 * </ul>
 */
final class GrantBench {

  static final String ENTITLEMENT = "lab-stub";
  static final String PROVIDER = "http-stub";
  static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  static final String APP_HEAP = "-Xmx512m";

  /**
   * The memory part's JVM sizing, as the container image runs it: the heap fixed at its maximum and
   * touched at start ({@code -Xms} = {@code -Xmx}, {@code AlwaysPreTouch}), so RSS growth is what
   * the application grows, not the JVM sizing its heap up; glibc's malloc arenas capped ({@code
   * MALLOC_ARENA_MAX=2}, set in the process's environment).
   */
  static final List<String> MEMORY_HEAP = BenchApp.IMAGE_HEAP;

  private GrantBench() {}

  record Config(
      double scale,
      Duration spread,
      Duration lead,
      Duration margin,
      Duration quartzTimeBox,
      Duration quartzTimeout,
      int quartzThreads,
      int quartzBatch,
      int quartzChunk,
      int quartzWarmUp,
      Duration warmup,
      Duration settle,
      List<String> appOpts) {

    static Config fromSystemProperties() {
      String opts = System.getProperty("bench.grants.app-opts", "").trim();
      return new Config(
          Double.parseDouble(System.getProperty("bench.grants.scale", "1.0")),
          duration("bench.grants.spread", "PT10M"),
          duration("bench.grants.lead", "PT30S"),
          duration("bench.grants.margin", "PT5M"),
          duration("bench.quartz.time-box", "PT2M"),
          duration("bench.quartz.timeout", "PT10M"),
          Integer.getInteger("bench.quartz.threads", 10),
          Integer.getInteger("bench.quartz.batch", 10),
          Integer.getInteger("bench.quartz.chunk", 1000),
          Integer.getInteger("bench.quartz.warmup", 2000),
          duration("bench.grants.warmup", "PT20S"),
          duration("bench.grants.settle", "PT30S"),
          opts.isEmpty() ? List.of() : List.of(opts.split("\\s+")));
    }

    private static Duration duration(String name, String dflt) {
      return Duration.parse(System.getProperty(name, dflt));
    }

    int count(int full) {
      return Math.max(1, (int) Math.round(full * scale));
    }
  }

  static List<BenchMain.Row> run() throws Exception {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(JAR + " is missing: run 'mvn package' first");
    }
    Config cfg = Config.fromSystemProperties();
    MachineLoad.Snapshot start = MachineLoad.snapshot();
    Path work = Files.createTempDirectory("bench-grants");
    List<BenchMain.Row> rows = new ArrayList<>();
    EmbeddedPostgresLauncher.Running pg;
    try {
      pg = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    } catch (RuntimeException | Error e) {
      deleteTree(work);
      throw e;
    }
    try (StubProviderServer stub = StubProviderServer.start(32).recordCalls(false)) {
      String shared =
          sharedNote(pg.jdbcUrl())
              + (cfg.appOpts().isEmpty()
                  ? ""
                  : "; app JVM args " + String.join(" ", cfg.appOpts()));
      String url = pg.jdbcUrl();

      boolean memoryOnly = "memory".equals(System.getProperty("bench.grants.only"));
      if (!memoryOnly) {
        // ---- the engine in the packaged application: lag, then drain
        try (App app = App.start(work, "engine", url, stub.url(), cfg, List.of(APP_HEAP))) {
          rows.add(lag(cfg, url, stub, app, cfg.count(10_000), shared));
          cleanUp(url, stub);
          rows.add(lag(cfg, url, stub, app, cfg.count(100_000), shared));
          cleanUp(url, stub);
          rows.addAll(drain(cfg, url, stub, app, cfg.count(100_000), shared));
          cleanUp(url, stub);
        }

        // ---- the same drain with one Quartz trigger per grant (application stopped)
        quartzWarmUp(cfg, url, stub); // the engine ran warm: so does Quartz
        cleanUp(url, stub);
        rows.addAll(quartz(cfg, url, stub, cfg.count(10_000), null, shared));
        cleanUp(url, stub);
        rows.addAll(quartz(cfg, url, stub, cfg.count(100_000), cfg.quartzTimeBox(), shared));
        cleanUp(url, stub);
        rows.add(ledger(url));
      }

      // ---- memory against the number of active grants, on an empty database
      EmbeddedPostgresLauncher.ensureDatabase(pg.postgres().getPostgresDatabase(), "bench_memory");
      String memUrl = pg.postgres().getJdbcUrl("postgres", "bench_memory");
      try (App app = App.start(work, "memory", memUrl, stub.url(), cfg, MEMORY_HEAP)) {
        rows.addAll(memory(cfg, memUrl, app, shared));
      }
      rows.add(
          MachineLoad.row(
              "grants",
              start,
              MachineLoad.snapshot(),
              MachineLoad.treeOf(pg.dataDirectory().toString())));
    } finally {
      pg.close();
      deleteTree(work);
    }
    return rows;
  }

  // ------------------------------------------------------------------ revocation lag

  static BenchMain.Row lag(
      Config cfg, String url, StubProviderServer stub, App app, int n, String shared)
      throws Exception {
    progress("revocation lag: %d grants ending over %s from %s on", n, cfg.spread(), cfg.lead());
    Inserted ins =
        insert(url, n, cfg.lead().toMillis(), cfg.spread().toMillis(), true, stub::preload);
    Duration timeout = cfg.lead().plus(cfg.spread()).plus(cfg.margin());
    boolean done = awaitNothingPending(url, app, timeout);
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps =
            c.prepareStatement(
                "with l as (select state, extract(epoch from (revoked_at - not_after))::float8 *"
                    + " 1000 as ms, not_after from access_grant where entitlement = ?) select"
                    + " count(*) filter (where state = 'REVOKED'), percentile_cont(0.5) within"
                    + " group (order by ms), percentile_cont(0.99) within group (order by ms),"
                    + " max(ms), count(*) filter (where not_after < ?) from l")) {
      ps.setString(1, ENTITLEMENT);
      ps.setObject(2, ins.committed());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long revoked = rs.getLong(1);
        String value =
            String.format(
                Locale.ROOT,
                "%s / %s / %s",
                millis(rs.getDouble(2)),
                millis(rs.getDouble(3)),
                millis(rs.getDouble(4)));
        String notes =
            (done ? "all " + n + " revoked" : "TIMED OUT: " + revoked + " of " + n + " revoked")
                + "; lag = revoked_at − not_after (database clock); ends over "
                + human(cfg.spread())
                + ", inserted while the app ran ("
                + secs(ins.seconds())
                + " to insert"
                + (rs.getLong(5) > 0 ? ", " + rs.getLong(5) + " ended before the commit" : "")
                + "); engine defaults: 2 workers, batches of 200, poll ≤ 1 s; "
                + shared;
        return new BenchMain.Row(
            "revocation lag (engine)", label(n) + " active: p50 / p99 / max", value, notes);
      }
    }
  }

  // ------------------------------------------------------------------ drain of a backlog

  static List<BenchMain.Row> drain(
      Config cfg, String url, StubProviderServer stub, App app, int n, String shared)
      throws Exception {
    progress("engine drain: %d grants overdue at once", n);
    // ends spread over the minute before the insert: everything is overdue when it commits
    Inserted ins = insert(url, n, -70_000, 60_000, true, stub::preload);
    boolean done = awaitNothingPending(url, app, cfg.margin());
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) filter (where state = 'REVOKED'), extract(epoch from"
                    + " (min(revoked_at) - ?))::float8, extract(epoch from (max(revoked_at) -"
                    + " ?))::float8 from access_grant where entitlement = ?")) {
      ps.setObject(1, ins.beforeCommit());
      ps.setObject(2, ins.beforeCommit());
      ps.setString(3, ENTITLEMENT);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long revoked = rs.getLong(1);
        double first = rs.getDouble(2);
        double last = rs.getDouble(3);
        String status =
            done ? "all " + n + " revoked" : "TIMED OUT: " + revoked + " of " + n + " revoked";
        List<BenchMain.Row> rows = new ArrayList<>();
        rows.add(
            new BenchMain.Row(
                "drain (engine, SKIP LOCKED)",
                label(n) + " overdue at once: seconds",
                secs(last),
                status
                    + "; COMMIT of one insert → last revoked_at (database clock); first revocation"
                    + " after "
                    + secs(first)
                    + " (workers poll ≤ 1 s: rows inserted outside the app do not wake them);"
                    + " one provider call and one audit event per grant; "
                    + shared));
        rows.add(
            new BenchMain.Row(
                "drain (engine, SKIP LOCKED)",
                label(n) + " overdue at once: rows/s",
                String.format(Locale.ROOT, "%.0f", last > 0 ? revoked / last : 0),
                "measured over the whole drain"));
        return rows;
      }
    }
  }

  static List<BenchMain.Row> quartz(
      Config cfg, String url, StubProviderServer stub, int n, Duration timeBox, String shared)
      throws Exception {
    progress(
        "Quartz drain: %d grants, one trigger each%s",
        n, timeBox == null ? "" : ", time-boxed to " + timeBox + " after the first firing");
    Inserted ins = insert(url, n, -70_000, 60_000, false, stub::preload);
    QuartzPerGrantBench.Result r =
        QuartzPerGrantBench.run(
            url,
            stub.url(),
            ins.ids(),
            cfg.quartzThreads(),
            cfg.quartzBatch(),
            cfg.quartzChunk(),
            timeBox,
            timeBox == null ? cfg.quartzTimeout() : timeBox.plus(cfg.quartzTimeout()));
    String setup =
        String.format(
            Locale.ROOT,
            "Quartz 2.5.2 JobStoreTX clustered in the bench JVM, %d threads, batch acquisition %d;"
                + " per job: provider call + one transaction (grant REVOKED + audit event);"
                + " scheduling %s took %s (chunks of %d, one transaction each; tables ANALYZEd as"
                + " they grew, as autovacuum would, not counted); %s%s",
            cfg.quartzThreads(),
            cfg.quartzBatch(),
            label(n),
            secs(r.scheduleSeconds()),
            r.chunk(),
            r.failures() > 0 ? r.failures() + " jobs FAILED (" + r.lastError() + "); " : "",
            shared);
    String bench = "drain (Quartz trigger/grant)";
    List<BenchMain.Row> rows = new ArrayList<>();
    if (timeBox == null) {
      rows.add(
          new BenchMain.Row(
              bench,
              label(n) + " overdue at once: seconds",
              r.complete() ? secs(r.drainSeconds()) : "> " + secs(r.drainSeconds()),
              (r.complete()
                      ? "measured, all " + n + " revoked"
                      : "TIMED OUT: " + r.drained() + " of " + n + " revoked")
                  + "; scheduler start → last revoked_at; first after "
                  + secs(r.firstSeconds())
                  + "; "
                  + setup));
      rows.add(
          new BenchMain.Row(
              bench,
              label(n) + " overdue at once: rows/s",
              String.format(Locale.ROOT, "%.0f", r.rate()),
              "measured over the whole drain"));
      return rows;
    }
    double projected = r.rate() > 0 ? n / r.rate() : Double.POSITIVE_INFINITY;
    rows.add(
        new BenchMain.Row(
            bench,
            label(n) + " overdue: rows drained in time box",
            String.valueOf(r.drained()),
            (r.complete() ? "all revoked within " : "stopped ")
                + human(timeBox)
                + " after the first job fired ("
                + secs(r.firstSeconds())
                + " after the start); "
                + setup));
    rows.add(
        new BenchMain.Row(
            bench,
            label(n) + " overdue: rows/s",
            String.format(Locale.ROOT, "%.1f", r.rate()),
            "measured: drained / (scheduler start → last revoked_at)"));
    if (!r.complete()) {
      rows.add(
          new BenchMain.Row(
              bench,
              label(n) + " overdue: seconds (PROJECTED)",
              String.format(Locale.ROOT, "%.0f s", projected),
              "PROJECTED, not measured: "
                  + label(n)
                  + " / measured rows/s; Quartz speeds up as its queue shrinks (compare the"
                  + " measured smaller drain above)"));
    }
    return rows;
  }

  /**
   * A short unreported Quartz run, so that the measured ones do not pay for class loading and JIT.
   */
  static void quartzWarmUp(Config cfg, String url, StubProviderServer stub) throws Exception {
    int n = cfg.quartzWarmUp();
    progress("Quartz warm-up: %d grants", n);
    Inserted ins = insert(url, n, -70_000, 60_000, false, stub::preload);
    QuartzPerGrantBench.Result r =
        QuartzPerGrantBench.run(
            url,
            stub.url(),
            ins.ids(),
            cfg.quartzThreads(),
            cfg.quartzBatch(),
            cfg.quartzChunk(),
            null,
            cfg.quartzTimeout());
    progress(
        "Quartz warm-up (not in the table): %d of %d grants revoked in %s",
        r.drained(), n, secs(r.drainSeconds()));
  }

  /** Verifies the whole ledger: every revocation, by the engine or by Quartz, appended an event. */
  static BenchMain.Row ledger(String url) throws Exception {
    AuditChainVerifier verifier = new AuditChainVerifier();
    long revokedEvents = 0;
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false); // a cursor, not the whole ledger in memory
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      long headSeq;
      String headHash;
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("select last_seq, last_hash from audit_head where id = 1")) {
        rs.next();
        headSeq = rs.getLong(1);
        headHash = rs.getString(2);
      }
      // the service's own columns and mapping (AuditLog.record: every event format) and its own
      // verifier, as GET /api/v1/audit/verify reads the ledger
      try (PreparedStatement ps =
          c.prepareStatement(
              "select " + AuditLog.COLUMNS + " from audit_event where seq <= ? order by seq")) {
        ps.setFetchSize(5_000);
        ps.setLong(1, headSeq);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            AuditRecord r = AuditLog.record(rs);
            if ("grant.revoked".equals(r.type())) {
              revokedEvents++;
            }
            if (!verifier.accept(r)) {
              break;
            }
          }
        }
      }
      c.rollback();
      verifier.acceptHead(headSeq, headHash);
    }
    AuditChainVerifier.Result result = verifier.result();
    return new BenchMain.Row(
        "audit ledger",
        "after engine and Quartz runs",
        result.intact() ? "intact" : "BROKEN",
        (result.intact() ? "target intact: PASS; " : "target intact: FAIL; ")
            + result.checked()
            + " events checked ("
            + revokedEvents
            + " grant.revoked) with the service's AuditLog.record and AuditChainVerifier"
            + (result.intact()
                ? ""
                : "; first bad seq " + result.firstBadSeq() + ": " + result.problem()));
  }

  // ------------------------------------------------------------------ memory

  static List<BenchMain.Row> memory(Config cfg, String url, App app, String shared)
      throws Exception {
    List<BenchMain.Row> rows = new ArrayList<>();
    progress(
        "memory: warm-up, then 0 / %d / %d active grants",
        cfg.count(100_000), cfg.count(1_000_000));
    exercise(app, cfg.warmup());
    Memory empty = Memory.of(app.process.pid());
    rows.add(memoryRow("0", empty, "after " + human(cfg.warmup()) + " of warm-up traffic", shared));
    int first = cfg.count(100_000);
    int total = cfg.count(1_000_000);
    double s1 = insertFarFuture(url, first);
    exercise(app, cfg.settle());
    Memory m1 = Memory.of(app.process.pid());
    rows.add(
        memoryRow(
            label(first),
            m1,
            "inserted in " + secs(s1) + ", then " + human(cfg.settle()) + " running",
            shared));
    double s2 = insertFarFuture(url, total - first);
    exercise(app, cfg.settle());
    Memory m2 = Memory.of(app.process.pid());
    rows.add(
        memoryRow(
            label(total),
            m2,
            String.format(
                Locale.ROOT,
                "+%s inserted in %s, then %s running; RSS %+.0f MiB, heap %+.0f MiB vs 0 grants",
                label(total - first),
                secs(s2),
                human(cfg.settle()),
                (m2.rssKb() - empty.rssKb()) / 1024.0,
                (m2.heapUsedKb() - empty.heapUsedKb()) / 1024.0),
            shared));
    double growthMiB = (m2.rssKb() - empty.rssKb()) / 1024.0;
    double growthMb = (m2.rssKb() - empty.rssKb()) * 1024.0 / 1e6;
    rows.add(
        new BenchMain.Row(
            "app memory",
            "RSS growth 0 → " + label(total) + " active",
            String.format(Locale.ROOT, "%+.1f MB", growthMb),
            String.format(
                    Locale.ROOT,
                    "target < 50 MB (issue 20): %s; %+.1f MiB, VmRSS before the forced GC at each"
                        + " point",
                    growthMb < 50 ? "PASS" : "FAIL",
                    growthMiB)
                + (total < 1_000_000 ? "; SCALED RUN: the target is for 1M grants" : "")));
    rows.add(claimPlan(url, total));
    return rows;
  }

  static BenchMain.Row memoryRow(String grants, Memory m, String when, String shared) {
    return new BenchMain.Row(
        "app memory",
        grants + " active: RSS / heap after GC",
        String.format(
            Locale.ROOT, "%.0f MiB / %.0f MiB", m.rssKb() / 1024.0, m.heapUsedKb() / 1024.0),
        "VmRSS of the app process (before the forced GC); heap used after jcmd GC.run (committed "
            + String.format(Locale.ROOT, "%.0f MiB", m.heapCommittedKb() / 1024.0)
            + ", "
            + String.join(" ", MEMORY_HEAP)
            + ", MALLOC_ARENA_MAX=2); "
            + when
            + "; ends far in the future; "
            + shared);
  }

  /** The engine's claim query, explained at the largest number of rows. */
  static BenchMain.Row claimPlan(String url, int rows) throws SQLException {
    List<String> plan = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "explain (analyze, buffers) select * from access_grant where next_attempt_at"
                      + " <= now() and provider = '"
                      + PROVIDER
                      + "' order by next_attempt_at limit 200"
                      + " for update skip locked")) {
        while (rs.next()) {
          plan.add(rs.getString(1));
        }
      } finally {
        c.rollback();
      }
    }
    System.out.println("Claim query plan with " + rows + " active grants:");
    plan.forEach(l -> System.out.println("  " + l));
    System.out.println();
    String scan =
        plan.stream()
            .filter(l -> l.contains(" Scan"))
            .findFirst()
            .map(l -> l.replaceFirst("^[\\s>-]*", "").replaceFirst("\\s+\\(cost.*", ""))
            .orElse("?");
    String time =
        plan.stream()
            .filter(l -> l.startsWith("Execution Time"))
            .findFirst()
            .map(l -> l.replace("Execution Time: ", ""))
            .orElse("?");
    return new BenchMain.Row(
        "claim query",
        label(rows) + " active: plan, time",
        time,
        scan
            + " (EXPLAIN ANALYZE of one provider lane's SELECT … FOR UPDATE SKIP LOCKED LIMIT 200)");
  }

  record Memory(long rssKb, long heapUsedKb, long heapCommittedKb) {

    static final Pattern USED = Pattern.compile("used (\\d+)K");
    static final Pattern COMMITTED = Pattern.compile("(?:total|committed) (\\d+)K");
    static final Pattern HEAP_LINE =
        Pattern.compile(
            "^\\s*(garbage-first heap|def new generation|tenured generation|PSYoungGen|ParOldGen"
                + "|Shenandoah|ZHeap).*");

    /** RSS as it runs, then the heap after a full collection. */
    static Memory of(long pid) throws Exception {
      long rss = -1;
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      jcmd(pid, "GC.run");
      long used = 0;
      long committed = 0;
      for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
        if (HEAP_LINE.matcher(line).matches()) {
          Matcher u = USED.matcher(line);
          Matcher t = COMMITTED.matcher(line);
          used += u.find() ? Long.parseLong(u.group(1)) : 0;
          committed += t.find() ? Long.parseLong(t.group(1)) : 0;
        }
      }
      return new Memory(rss, used, committed);
    }

    static String jcmd(long pid, String command) throws Exception {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  String.valueOf(pid),
                  command)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + command + " failed: " + out);
      }
      return out;
    }
  }

  /** Calls a few endpoints for {@code length}, as a monitoring system and an admin would. */
  static void exercise(App app, Duration length) throws Exception {
    String admin =
        "Basic "
            + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
    long end = System.nanoTime() + length.toNanos();
    do {
      app.get("/q/health/ready", null);
      app.http.send(
          HttpRequest.newBuilder(URI.create(app.management + "/q/metrics"))
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> r = app.get("/api/v1/grants?view=all&limit=50", admin);
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET /api/v1/grants answered " + r.statusCode());
      }
      app.get("/api/v1/grants?view=all&state=ACTIVE&limit=200", admin);
      app.checkAlive();
      Thread.sleep(1_000);
    } while (System.nanoTime() < end);
  }

  // ------------------------------------------------------------------ database

  /**
   * @param ids the grants inserted
   * @param seconds wall time of the insert and commit
   * @param beforeCommit database clock just before COMMIT
   * @param committed database clock just after COMMIT
   */
  record Inserted(
      List<UUID> ids, double seconds, OffsetDateTime beforeCommit, OffsetDateTime committed) {}

  /**
   * Inserts {@code n} ACTIVE grants in one transaction (or chunk by chunk when {@code atomic} is
   * false); {@code beforeCommit} sees their ids before they become visible.
   */
  static Inserted insert(
      String url,
      int n,
      long firstEndMillis,
      long spreadMillis,
      boolean atomic,
      Consumer<List<UUID>> beforeCommit)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      List<UUID> ids =
          GrantFixtures.active(c, n, ENTITLEMENT, PROVIDER, firstEndMillis, spreadMillis);
      beforeCommit.accept(ids);
      OffsetDateTime before = clock(c);
      c.commit();
      OffsetDateTime after = clock(c);
      c.commit();
      return new Inserted(ids, (System.nanoTime() - t0) / 1e9, before, after);
    }
  }

  /** Grants ending in a week or more; the ids are not kept. Returns seconds taken. */
  static double insertFarFuture(String url, int n) throws SQLException {
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(true); // one commit per chunk of the fixture
      long week = Duration.ofDays(7).toMillis();
      GrantFixtures.active(c, n, ENTITLEMENT, PROVIDER, week, week);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  static OffsetDateTime clock(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select clock_timestamp()")) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class);
    }
  }

  /** Waits until no grant has work pending; false on timeout. */
  static boolean awaitNothingPending(String url, App app, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      while (true) {
        try (ResultSet rs =
            s.executeQuery("select count(*) from access_grant where next_attempt_at is not null")) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return true;
          }
        }
        if (System.nanoTime() > deadline) {
          return false;
        }
        app.checkAlive();
        Thread.sleep(250);
      }
    }
  }

  /** Removes the bench's grants and requests (the ledger keeps its events: it is append-only). */
  static void cleanUp(String url, StubProviderServer stub) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "delete from grant_credential where grant_id in (select id from access_grant where"
              + " entitlement = '"
              + ENTITLEMENT
              + "')");
      s.executeUpdate("delete from access_grant where entitlement = '" + ENTITLEMENT + "'");
      s.executeUpdate(
          "delete from notification_event where request_id in (select id from access_request"
              + " where requester_key like 'fixture:%')");
      s.executeUpdate("delete from access_request where requester_key like 'fixture:%'");
      s.execute("vacuum analyze access_grant, access_request, grant_credential");
    }
    stub.entries().clear();
  }

  static String sharedNote(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select current_setting('server_version'), current_setting('fsync'),"
                    + " current_setting('synchronous_commit')")) {
      rs.next();
      return String.format(
          Locale.ROOT,
          "%d cores shared by app, PostgreSQL %s (fsync %s, synchronous_commit %s), stub and"
              + " bench JVM",
          Runtime.getRuntime().availableProcessors(),
          rs.getString(1).replaceFirst("\\s.*", ""),
          rs.getString(2),
          rs.getString(3));
    }
  }

  // ------------------------------------------------------------------ the application

  /** The packaged application as a child process, configured for the lab policy and the stub. */
  static final class App implements AutoCloseable {
    final Process process;
    final String base;

    /** The management interface (metrics) of the packaged jar. */
    String management;

    final Path log;
    final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private App(Process process, String base, Path log) {
      this.process = process;
      this.base = base;
      this.log = log;
    }

    static App start(
        Path work, String name, String jdbcUrl, String stubUrl, Config cfg, List<String> heap)
        throws Exception {
      BenchApp.Ports ports = BenchApp.Ports.free();
      Path data = Files.createDirectories(work.resolve(name + "-data"));
      Path log = work.resolve(name + ".log");
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(heap);
      cmd.addAll(BenchApp.onDatabase(jdbcUrl, ports));
      cmd.add(
          "-Dportcullis.policy.dir="
              + Path.of("src", "test", "resources", "policies-grants").toAbsolutePath());
      cmd.add("-Dportcullis.data-dir=" + data);
      cmd.add("-Dportcullis.providers.http-stub.url=" + stubUrl);
      cmd.addAll(cfg.appOpts());
      cmd.add("-jar");
      cmd.add(JAR.toString());
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      if (heap.equals(MEMORY_HEAP)) {
        pb.environment().putAll(BenchApp.IMAGE_ENV);
      }
      Process p = pb.start();
      App app = new App(p, ports.base(), log);
      app.management = ports.managementBase();
      try {
        RequestBench.awaitReady(app.http, app.base, p, log);
      } catch (Exception e) {
        app.close();
        throw e;
      }
      return app;
    }

    HttpResponse<String> get(String path, String authorization) throws Exception {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void checkAlive() throws IOException {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the application exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  // ------------------------------------------------------------------ formatting

  static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  static void progress(String format, Object... args) {
    System.out.printf(
        Locale.ROOT,
        "[grants %s] %s%n",
        LocalTime.now().format(CLOCK),
        String.format(Locale.ROOT, format, args));
  }

  static String label(int n) {
    if (n >= 1_000_000 && n % 1_000_000 == 0) {
      return n / 1_000_000 + "M";
    }
    if (n >= 1_000 && n % 1_000 == 0) {
      return n / 1_000 + "k";
    }
    return String.valueOf(n);
  }

  static String millis(double ms) {
    return ms >= 10_000
        ? String.format(Locale.ROOT, "%.1f s", ms / 1000)
        : String.format(Locale.ROOT, "%.0f ms", ms);
  }

  static String secs(double s) {
    return String.format(Locale.ROOT, s < 10 ? "%.2f s" : "%.1f s", s);
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    return s % 60 == 0 && s >= 60 ? s / 60 + " min" : s + " s";
  }

  static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a temp directory
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
