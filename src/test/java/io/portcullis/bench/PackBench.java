package io.portcullis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The evidence pack of a campaign over the ledger {@link ReviewBench} COPYed ({@code make bench
 * BENCH=reviews}), made as the service makes it: the packaged application ({@code
 * target/quarkus-app}) runs against the bench database with the bench policy, an admin opens an
 * off-cycle campaign over the whole period through the API (the real {@code CampaignOpening}: the
 * policy archived at load, the snapshot hash recorded), and then a fresh start of the application
 * with {@code -Xmx256m} answers {@code GET /api/v1/reviews/campaigns/{id}/evidence-pack} to an
 * auditor, streamed into a file. The heap is read from the application's GC log. The pack is then
 * verified offline by {@code VerifyPackMain} in a child JVM with {@code -Xmx64m}, as {@code make
 * verify-pack} runs it. {@code -Dbench.reviews.app-opts=…} adds JVM options to the measured start
 * (e.g. a flight recording).
 */
final class PackBench {

  static final String APP_HEAP = "-Xmx256m";
  static final String OPEN_HEAP = "-Xmx512m";
  static final String VERIFY_HEAP = "-Xmx64m";
  static final String VERIFIER = "io.portcullis.review.evidence.verify.VerifyPackMain";
  static final Path APP = Path.of("target", "quarkus-app");
  static final ObjectMapper JSON = new ObjectMapper();

  private PackBench() {}

  /** The campaign opened for the bench: its id and how long the opening took. */
  record Opened(String campaign, double seconds, String failure) {}

  static List<BenchMain.Row> run(int n, String url, Path work, long events) throws Exception {
    String bench = "evidence pack (" + GrantBench.label(n) + " grants)";
    Path dir = Files.createDirectories(work.resolve("pack-" + n));
    Opened o = open(n, url, dir);
    if (o.failure() != null) {
      return List.of(new BenchMain.Row(bench, "generation seconds", "FAILED", o.failure()));
    }
    return download(bench, url, dir, events, o);
  }

  static Path policy(Path dir) throws IOException {
    Path policy = Files.createDirectories(dir.resolve("policy"));
    Files.writeString(policy.resolve("policy.yaml"), ReviewBench.policy());
    return policy;
  }

  /** An admin opens an off-cycle campaign over the bench period through the API. */
  static Opened open(int n, String url, Path dir) throws Exception {
    String bench = "evidence pack (" + GrantBench.label(n) + " grants)";
    Path policy = policy(dir);
    progress("%s: opening the campaign through the API (app %s)", bench, OPEN_HEAP);
    try (App app = App.start(dir, "open", url, policy, OPEN_HEAP)) {
      long t0 = System.nanoTime();
      HttpResponse<String> r =
          app.send(
              HttpRequest.newBuilder(URI.create(app.base + "/api/v1/reviews/campaigns"))
                  .header("Authorization", basic("admin"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofMinutes(30))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.writeValueAsString(
                              Map.of(
                                  "definition",
                                  "bench-q",
                                  "title",
                                  "bench " + GrantBench.label(n),
                                  "periodStart",
                                  ReviewBench.START.toString()))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (r.statusCode() != 201) {
        return new Opened(
            null, seconds, "opening answered " + r.statusCode() + ": " + r.body() + tail(app));
      }
      String campaign = JSON.readTree(r.body()).get("id").asText();
      progress("%s: campaign %s opened in %s", bench, campaign, GrantBench.secs(seconds));
      return new Opened(campaign, seconds, null);
    }
  }

  /** A fresh app {@link #APP_HEAP} writes the pack to an auditor; then the offline verifier. */
  static List<BenchMain.Row> download(String bench, String url, Path dir, long events, Opened o)
      throws Exception {
    String campaign = o.campaign();
    double opening = o.seconds();
    Path policy = policy(dir);
    progress("%s: downloading the pack from a fresh app %s", bench, APP_HEAP);
    Path zip = dir.resolve("pack.zip");
    Path key = dir.resolve("key.pem");
    double seconds;
    double cpu;
    String load;
    Gc gc;
    try (App app = App.start(dir, "pack", url, policy, APP_HEAP)) {
      HttpResponse<String> keys =
          app.send(
              app.get("/api/v1/audit/public-keys", "dana").build(),
              HttpResponse.BodyHandlers.ofString());
      if (keys.statusCode() != 200) {
        return failed(bench, "public keys answered " + keys.statusCode(), app);
      }
      JsonNode current = JSON.readTree(keys.body()).get("keys").get(0);
      Files.writeString(key, current.get("publicKeyPem").asText());
      load = loadAverage();
      Duration cpu0 = app.cpu();
      long t0 = System.nanoTime();
      HttpResponse<Path> r;
      try {
        r =
            app.send(
                app.get("/api/v1/reviews/campaigns/" + campaign + "/evidence-pack", "dana")
                    .timeout(Duration.ofMinutes(30))
                    .build(),
                HttpResponse.BodyHandlers.ofFile(zip));
      } catch (IOException e) {
        return failed(bench, "the download broke off (" + e.getMessage() + ")", app);
      }
      seconds = (System.nanoTime() - t0) / 1e9;
      cpu = app.cpu().minus(cpu0).toMillis() / 1e3;
      load += " → " + loadAverage();
      if (r.statusCode() != 200) {
        return failed(bench, "the pack answered " + r.statusCode(), app);
      }
      app.stop();
      String log = Files.readString(app.log);
      if (log.contains("OutOfMemoryError")) {
        return failed(bench, "OutOfMemoryError in the application", app);
      }
      gc = Gc.read(app.gcLog);
    }
    List<BenchMain.Row> rows = new ArrayList<>();
    long size = Files.size(zip);
    StringBuilder biggest = new StringBuilder();
    int files;
    try (ZipFile z = new ZipFile(zip.toFile())) {
      files = z.size();
      for (String name : List.of("ledger-extract.jsonl", "activity.csv")) {
        ZipEntry e = z.getEntry(name);
        if (e == null) {
          return failed(bench, "the pack has no " + name, null);
        }
        if (!biggest.isEmpty()) {
          biggest.append("; ");
        }
        biggest
            .append(name)
            .append(' ')
            .append(AuditBench.size(e.getCompressedSize()))
            .append(" (")
            .append(AuditBench.size(e.getSize()))
            .append(" unzipped)");
      }
    }
    rows.add(
        new BenchMain.Row(
            bench,
            "generation seconds",
            GrantBench.secs(seconds),
            "GET …/evidence-pack as an auditor, request to last byte, from the packaged app "
                + APP_HEAP
                + " on the bench database (campaign of "
                + events
                + " ledger events opened through the API by an app "
                + OPEN_HEAP
                + " in "
                + GrantBench.secs(opening)
                + ", not measured here); load average "
                + load
                + " (2 cores, shared)"));
    rows.add(
        new BenchMain.Row(
            bench,
            "generation app CPU",
            GrantBench.secs(cpu),
            "CPU time of the app process while it made the pack (all its threads: ledger read,"
                + " fold, deflate, GC; the database's not counted)"));
    rows.add(
        new BenchMain.Row(
            bench,
            "generation events/s",
            String.format(Locale.ROOT, "%.0f", events / seconds),
            "ledger events in the pack's range per second; app and database on the same cores"));
    rows.add(
        new BenchMain.Row(
            bench,
            "generation peak heap",
            AuditBench.size(gc.maxBefore()),
            "largest heap in use when a collection began, from the app's GC log (whole life,"
                + " start-up included; "
                + gc.collections()
                + " collections); most left after one: "
                + AuditBench.size(gc.maxAfter())
                + "; limit "
                + APP_HEAP));
    rows.add(
        new BenchMain.Row(
            bench, "pack size", AuditBench.size(size), files + " entries; " + biggest));
    rows.addAll(verify(bench, zip, key, dir));
    String keep = System.getProperty("bench.reviews.keep-packs", "").strip();
    if (!keep.isEmpty()) {
      // kept for profiling the verifier on its own: make verify-pack PACK=… KEY=…
      Path to = Files.createDirectories(Path.of(keep));
      String name = dir.getFileName().toString();
      Files.copy(zip, to.resolve(name + ".zip"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(key, to.resolve(name + ".pem"), StandardCopyOption.REPLACE_EXISTING);
      progress("%s: pack kept as %s", bench, to.resolve(name + ".zip"));
    }
    Files.deleteIfExists(zip);
    return rows;
  }

  /** Runs the offline verifier on the pack, when it exists. */
  static List<BenchMain.Row> verify(String bench, Path zip, Path key, Path dir) throws Exception {
    try {
      Class.forName(VERIFIER);
    } catch (ClassNotFoundException e) {
      return List.of(
          new BenchMain.Row(
              bench,
              "verify-pack: not yet available",
              "-",
              VERIFIER + " is not built yet; the pack was not verified"));
    }
    progress("%s: verifying offline (%s)", bench, VERIFY_HEAP);
    Path out = dir.resolve("verify.log");
    Path gcLog = dir.resolve("verify-gc.log");
    String opts = System.getProperty("bench.reviews.verify-opts", "").strip();
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add(VERIFY_HEAP);
    cmd.addAll(opts.isEmpty() ? List.of() : List.of(opts.split("\\s+")));
    cmd.addAll(
        List.of(
            "-Xlog:gc:file=" + gcLog,
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
            "-cp",
            String.join(
                ":",
                APP.resolve("app") + "/*",
                APP.resolve("lib").resolve("main") + "/*",
                APP.resolve("lib").resolve("boot") + "/*"),
            VERIFIER,
            zip.toString(),
            "--public-key",
            key.toString()));
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(1, TimeUnit.HOURS)) {
      p.destroyForcibly();
      p.waitFor();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    String text = Files.readString(out).strip();
    String tail = text.length() > 300 ? "…" + text.substring(text.length() - 300) : text;
    tail = tail.replace('\n', ' ');
    if (p.exitValue() != 0) {
      return List.of(
          new BenchMain.Row(
              bench, "verify-pack seconds", "FAILED", "exit " + p.exitValue() + ": " + tail));
    }
    Gc gc = Gc.read(gcLog);
    return List.of(
        new BenchMain.Row(
            bench,
            "verify-pack seconds",
            GrantBench.secs(seconds),
            "VerifyPackMain in a child JVM "
                + VERIFY_HEAP
                + " (as make verify-pack), JVM start to exit, exit 0: "
                + tail),
        new BenchMain.Row(
            bench,
            "verify-pack peak heap",
            AuditBench.size(gc.maxBefore()),
            "largest heap in use when a collection began ("
                + gc.collections()
                + " collections); most left after one: "
                + AuditBench.size(gc.maxAfter())
                + "; limit "
                + VERIFY_HEAP));
  }

  static List<BenchMain.Row> failed(String bench, String why, App app) throws IOException {
    return List.of(new BenchMain.Row(bench, "generation seconds", "FAILED", why + tail(app)));
  }

  static String tail(App app) throws IOException {
    if (app == null || !Files.exists(app.log)) {
      return "";
    }
    String s = Files.readString(app.log).strip();
    return ("; app log: …" + (s.length() > 400 ? s.substring(s.length() - 400) : s))
        .replace('\n', ' ');
  }

  static String basic(String user) {
    return "Basic "
        + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * What a GC log ({@code -Xlog:gc}) says: the most heap in use when a collection began and the
   * most left after one.
   */
  record Gc(long maxBefore, long maxAfter, int collections) {
    static final Pattern PAUSE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\(\\d+[KMG]\\)");

    static Gc read(Path log) throws IOException {
      long before = 0;
      long after = 0;
      int n = 0;
      if (!Files.exists(log)) {
        return new Gc(0, 0, 0);
      }
      for (String line : Files.readAllLines(log)) {
        Matcher m = PAUSE.matcher(line);
        if (m.find()) {
          n++;
          before = Math.max(before, bytes(m.group(1), m.group(2)));
          after = Math.max(after, bytes(m.group(3), m.group(4)));
        }
      }
      return new Gc(before, after, n);
    }

    static long bytes(String n, String unit) {
      long v = Long.parseLong(n);
      return switch (unit) {
        case "K" -> v << 10;
        case "M" -> v << 20;
        default -> v << 30;
      };
    }
  }

  /** The packaged application on the bench database, demo sign-in, no scheduled reviews. */
  static final class App implements AutoCloseable {
    final Process process;
    final String base;
    final Path log;
    final Path gcLog;
    final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private App(Process process, String base, Path log, Path gcLog) {
      this.process = process;
      this.base = base;
      this.log = log;
      this.gcLog = gcLog;
    }

    static App start(Path dir, String name, String jdbcUrl, Path policy, String heap)
        throws Exception {
      BenchApp.Ports ports = BenchApp.Ports.free();
      Path data = Files.createDirectories(dir.resolve("data")); // the same signing key each time
      Path log = dir.resolve(name + ".log");
      Path gcLog = dir.resolve(name + "-gc.log");
      List<String> cmd = new ArrayList<>();
      cmd.add(java());
      cmd.add(heap);
      cmd.add("-XX:+ExitOnOutOfMemoryError");
      cmd.add("-Xlog:gc:file=" + gcLog);
      cmd.addAll(BenchApp.onDatabase(jdbcUrl, ports));
      cmd.add("-Dportcullis.policy.dir=" + policy.toAbsolutePath());
      cmd.add("-Dportcullis.data-dir=" + data.toAbsolutePath());
      cmd.add("-Dportcullis.review.schedule-check=off");
      cmd.add("-Dportcullis.review.deadline-check=off");
      if (heap.equals(APP_HEAP)) {
        String opts = System.getProperty("bench.reviews.app-opts", "").strip();
        cmd.addAll(opts.isEmpty() ? List.of() : List.of(opts.split("\\s+")));
      }
      cmd.add("-jar");
      cmd.add(APP.resolve("quarkus-run.jar").toString());
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      App app = new App(p, ports.base(), log, gcLog);
      try {
        RequestBench.awaitReady(app.http, app.base, p, log);
      } catch (Exception e) {
        app.close();
        throw e;
      }
      return app;
    }

    /** CPU time the process has used so far. */
    Duration cpu() {
      return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    HttpRequest.Builder get(String path, String user) {
      return HttpRequest.newBuilder(URI.create(base + path))
          .header("Authorization", basic(user))
          .timeout(Duration.ofSeconds(60));
    }

    <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> body) throws Exception {
      return http.send(r, body);
    }

    /** SIGTERM, and the wait for the exit (so that the GC log is complete). */
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
      }
    }

    @Override
    public void close() throws Exception {
      if (process.isAlive()) {
        stop();
      }
    }
  }

  static void progress(String format, Object... args) {
    ReviewBench.progress(format, args);
  }
}
