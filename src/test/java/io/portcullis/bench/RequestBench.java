package io.portcullis.bench;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.Http;
import io.portcullis.testing.Tokens;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request → approve latency through the packaged application over HTTP, at fixed arrival rates
 * (open loop: latency counts from the scheduled start, so queueing is not hidden), beside a
 * baseline of bare JDBC commits on the same PostgreSQL.
 */
final class RequestBench {

  static final Duration STEP = Duration.ofSeconds(10);
  static final int[] RATES = {5, 10, 20, 35, 50, 75, 100, 150};
  static final int COMMITS_PER_FLOW = 2; // submit and review each commit once

  private RequestBench() {}

  record Step(int rate, int done, int failed, long p50, long p99) {}

  static List<BenchMain.Row> run() throws Exception {
    MachineLoad.Snapshot machine = MachineLoad.snapshot();
    Path work = Files.createTempDirectory("bench-requests");
    EmbeddedPostgresLauncher.Running pg = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    OidcWiremockTestResource oidc = new OidcWiremockTestResource();
    String issuer = oidc.start().get("keycloak.url") + "/realms/quarkus";
    Process app = null;
    try {
      int port;
      int managementPort;
      try (java.net.ServerSocket s = new java.net.ServerSocket(0);
          java.net.ServerSocket m = new java.net.ServerSocket(0)) {
        port = s.getLocalPort();
        managementPort = m.getLocalPort();
      }
      Path log = work.resolve("app.log");
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
      // -Dbench.app-opts='-XX:StartFlightRecording=…': JVM options for the application (to profile)
      for (String o : System.getProperty("bench.app-opts", "").trim().split("\\s+")) {
        if (!o.isEmpty()) {
          command.add(o);
        }
      }
      command.addAll(
          List.of(
              "-Dquarkus.profile=demo",
              "-Dportcullis.embedded-db.enabled=false",
              "-Dquarkus.datasource.jdbc.url=" + pg.jdbcUrl(),
              "-Dquarkus.datasource.username=postgres",
              "-Dquarkus.oidc.tenant-enabled=true",
              "-Dquarkus.oidc.auth-server-url=" + issuer,
              "-Dquarkus.oidc.token.audience=" + Tokens.AUDIENCE,
              "-Dquarkus.log.level=WARN",
              "-Dquarkus.http.port=" + port,
              "-Dquarkus.management.port=" + managementPort,
              "-jar",
              Path.of("target", "quarkus-app", "quarkus-run.jar").toString()));
      app =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .executor(Executors.newFixedThreadPool(32))
              .build();
      String base = "http://localhost:" + port;
      awaitReady(http, base, app, log);

      int total = Arrays.stream(RATES).map(r -> r * (int) STEP.toSeconds()).sum() + 20 * 20 + 10;
      List<String> tokens = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        tokens.add(Tokens.token("bench-" + i, Set.of("engineers")));
      }
      String carol =
          "Basic "
              + Base64.getEncoder().encodeToString("carol:carol".getBytes(StandardCharsets.UTF_8));
      AtomicInteger next = new AtomicInteger();
      // -Dbench.listing-only=true: only the listing line (to work on it without the rate steps)
      boolean listingOnly = Boolean.getBoolean("bench.listing-only");
      List<Step> steps = new ArrayList<>();
      if (!listingOnly) {
        // warm-up: let the JIT compile the request path before measuring
        runStep(http, base, tokens, next, carol, 20, Duration.ofSeconds(20));
      }
      for (int rate : listingOnly ? new int[0] : RATES) {
        Step s = runStep(http, base, tokens, next, carol, rate, STEP);
        steps.add(s);
        if (s.p99() > 50_000_000L || s.failed() > 0) {
          break;
        }
      }
      long[] listing = listing(http, base, pg.jdbcUrl());
      if (listingOnly) {
        return List.of(listingRow(listing));
      }
      long[] baseline = jdbcBaseline(pg.jdbcUrl(), 4, 4_000);

      List<BenchMain.Row> rows = new ArrayList<>();
      Step best = null;
      for (Step s : steps) {
        rows.add(
            new BenchMain.Row(
                "request→approve (HTTP)",
                "@" + s.rate() + "/s p50 | p99",
                ms(s.p50()) + " | " + ms(s.p99()),
                s.done()
                    + " flows in "
                    + STEP.toSeconds()
                    + " s, "
                    + s.failed()
                    + " failed; 1 flow = 2 calls, "
                    + COMMITS_PER_FLOW
                    + " commits"));
        if (s.p99() <= 50_000_000L && s.failed() == 0) {
          best = s;
        }
      }
      double commitsPerSec = baseline[0];
      rows.add(
          new BenchMain.Row(
              "bare JDBC commits",
              "commits/s",
              String.format("%.0f", commitsPerSec),
              "4 threads, one INSERT+COMMIT each, same PostgreSQL (embedded: fsync off); p50 "
                  + ms(baseline[1])
                  + ", p99 "
                  + ms(baseline[2])));
      rows.add(listingRow(listing));
      if (best != null) {
        rows.add(
            new BenchMain.Row(
                "request→approve (HTTP)",
                "max rate, p99 ≤ 50 ms",
                best.rate() + " flows/s",
                String.format(
                    "= %d commits/s, %.0f%% of the bare-commit rate",
                    best.rate() * COMMITS_PER_FLOW,
                    100.0 * best.rate() * COMMITS_PER_FLOW / commitsPerSec)));
      }
      rows.add(
          MachineLoad.row(
              "requests",
              machine,
              MachineLoad.snapshot(),
              MachineLoad.treeOf(pg.dataDirectory().toString())));
      return rows;
    } finally {
      if (app != null) {
        app.destroy();
        app.waitFor(30, TimeUnit.SECONDS);
        app.destroyForcibly();
      }
      oidc.stop();
      pg.close();
    }
  }

  static void awaitReady(HttpClient http, String base, Process app, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!app.isAlive()) {
        throw new IllegalStateException("application exited:\n" + Files.readString(log));
      }
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("application not ready:\n" + Files.readString(log));
  }

  static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

  /** The bodies of each flow, written once: demo-ssh-ops for an hour, then an approval. */
  static final String SUBMIT =
      Http.write(
          Http.request("demo-ssh-ops", "PT1H", "benchmarking the broker")
              .set("inputs", Http.object("publicKey", Http.PUBLIC_KEY)));

  static final String APPROVE = Http.json("decision", "APPROVE", "comment", "ok");

  static Step runStep(
      HttpClient http,
      String base,
      List<String> tokens,
      AtomicInteger next,
      String approver,
      int rate,
      Duration length)
      throws Exception {
    int n = (int) (rate * length.toSeconds());
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicInteger failed = new AtomicInteger();
    List<CompletableFuture<?>> inflight = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long scheduled = start + i * interval;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      String token = tokens.get(next.getAndIncrement());
      HttpRequest submit =
          HttpRequest.newBuilder(URI.create(base + "/api/v1/requests"))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(SUBMIT))
              .build();
      inflight.add(
          http.sendAsync(submit, HttpResponse.BodyHandlers.ofString())
              .thenCompose(
                  r -> {
                    Matcher m = ID.matcher(r.body());
                    if (r.statusCode() != 201 || !m.find()) {
                      throw new IllegalStateException("submit answered " + r.statusCode());
                    }
                    HttpRequest review =
                        HttpRequest.newBuilder(
                                URI.create(base + "/api/v1/requests/" + m.group(1) + "/reviews"))
                            .header("Authorization", approver)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(APPROVE))
                            .build();
                    return http.sendAsync(review, HttpResponse.BodyHandlers.ofString());
                  })
              .whenComplete(
                  (r, e) -> {
                    if (e != null
                        || r.statusCode() != 200
                        || !r.body().contains("\"state\":\"APPROVED\"")) {
                      failed.incrementAndGet();
                    } else {
                      latencies.add(System.nanoTime() - scheduled);
                    }
                  }));
    }
    for (CompletableFuture<?> f : inflight) {
      try {
        f.get(60, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // counted as failed
      }
    }
    long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    if (l.length == 0) {
      return new Step(rate, 0, failed.get(), Long.MAX_VALUE, Long.MAX_VALUE);
    }
    return new Step(
        rate,
        l.length,
        failed.get(),
        l[l.length / 2],
        l[Math.min(l.length - 1, (int) (l.length * 0.99))]);
  }

  /** {commits/s, p50 ns, p99 ns} of single-row INSERT+COMMIT transactions. */
  static BenchMain.Row listingRow(long[] listing) {
    return new BenchMain.Row(
        "list 20 of 10,000 requests (HTTP)",
        "p50 | p99",
        ms(listing[0]) + " | " + ms(listing[1]),
        "GET /api/v1/requests?view=mine&limit=20, one client, "
            + LIST_CALLS
            + " calls after "
            + LIST_WARMUP
            + " warm-up; 1 in 10 pending (resolution recomputed), the rest approved;"
            + " target p99 ≤ 5 ms");
  }

  static final int LIST_REQUESTS = 10_000;

  static final int LIST_WARMUP = 3_000;
  static final int LIST_CALLS = 2_000;

  /**
   * Listing: 10,000 requests of one person written straight into the database, then the first page
   * of 20 asked for {@link #LIST_CALLS} times by one client.
   *
   * @return p50 and p99 in nanoseconds
   */
  static long[] listing(HttpClient http, String base, String jdbcUrl) throws Exception {
    String subject = "bench-lister";
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        PreparedStatement ps =
            c.prepareStatement(
                "insert into access_request (id, requester_key, requester, entitlements,"
                    + " duration_seconds, justification, ticket, break_glass, policy_version,"
                    + " digest, ask_key, state, plan, resolution, created_at, expires_at,"
                    + " decided_at) select gen_random_uuid(), ?, jsonb_build_object('subject', ?,"
                    + " 'name', 'Bench Lister', 'groups', jsonb_build_array('engineers')),"
                    + " jsonb_build_array(case when g % 10 = 0 then 'demo-db-admin' else"
                    + " 'demo-db-readonly' end), 1800, 'listing benchmark', null, false,"
                    + " repeat('0', 64), md5(g::text) || md5(g::text), md5('ask' || g) ||"
                    + " md5('ask' || g), case when g % 10 = 0 then 'PENDING' else 'APPROVED' end,"
                    + " jsonb_build_array(jsonb_build_object('entitlement', case when g % 10 = 0"
                    + " then 'demo-db-admin' else 'demo-db-readonly' end)), '[]'::jsonb, now() -"
                    + " g * interval '1 second', now() + interval '1 day', case when g % 10 = 0"
                    + " then null else now() end from generate_series(1, ?) g")) {
      ps.setString(1, subject);
      ps.setString(2, subject);
      ps.setInt(3, LIST_REQUESTS);
      ps.executeUpdate();
    }
    HttpRequest get =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/requests?view=mine&limit=20"))
            .header("Authorization", "Bearer " + Tokens.token(subject, Set.of("engineers")))
            .GET()
            .build();
    long[] times = new long[LIST_CALLS];
    for (int i = -LIST_WARMUP; i < LIST_CALLS; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
      long t = System.nanoTime() - t0;
      if (r.statusCode() != 200 || !r.body().contains("\"next\"")) {
        throw new IllegalStateException("listing answered " + r.statusCode() + ": " + r.body());
      }
      if (i >= 0) {
        times[i] = t;
      }
    }
    Arrays.sort(times);
    return new long[] {times[LIST_CALLS / 2], times[(int) (LIST_CALLS * 0.99) - 1]};
  }

  static long[] jdbcBaseline(String url, int threads, int perThread) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "create table if not exists bench_commit (id bigserial primary key, payload text not null)");
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    ConcurrentLinkedQueue<Long> lat = new ConcurrentLinkedQueue<>();
    long t0 = System.nanoTime();
    List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(
          pool.submit(
              () -> {
                try (Connection c = DriverManager.getConnection(url)) {
                  c.setAutoCommit(false);
                  try (PreparedStatement ps =
                      c.prepareStatement("insert into bench_commit (payload) values (?)")) {
                    for (int i = 0; i < perThread; i++) {
                      long s = System.nanoTime();
                      ps.setString(1, "x");
                      ps.executeUpdate();
                      c.commit();
                      lat.add(System.nanoTime() - s);
                    }
                  }
                }
                return null;
              }));
    }
    for (var f : fs) {
      f.get();
    }
    long elapsed = System.nanoTime() - t0;
    pool.shutdown();
    long[] l = lat.stream().mapToLong(Long::longValue).sorted().toArray();
    return new long[] {
      (long) (threads * perThread / (elapsed / 1e9)), l[l.length / 2], l[(int) (l.length * 0.99)]
    };
  }

  static String ms(long nanos) {
    return nanos == Long.MAX_VALUE ? "n/a" : String.format("%.1f ms", nanos / 1e6);
  }
}
