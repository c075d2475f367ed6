package io.portcullis.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged application ({@code target/quarkus-app}) run as a separate process, as users do. */
final class PackagedApp implements AutoCloseable {

  static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  final int port;

  /** The management interface of the packaged (prod-built) jar: metrics and OpenAPI. */
  final int managementPort;

  final Path log;
  final Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  private PackagedApp(int port, int managementPort, Path log, Process process) {
    this.port = port;
    this.managementPort = managementPort;
    this.log = log;
    this.process = process;
  }

  /**
   * The system properties of a demo-profile application on the test's own PostgreSQL (as its
   * superuser), with its data in {@code dataDir} and its policies from {@code policyDir}, followed
   * by {@code more}.
   */
  static List<String> demoOn(String jdbcUrl, Path dataDir, String policyDir, String... more) {
    List<String> p = new ArrayList<>();
    p.add("-Dquarkus.profile=demo");
    p.add("-Dportcullis.embedded-db.enabled=false");
    p.add("-Dquarkus.datasource.jdbc.url=" + jdbcUrl);
    p.add("-Dquarkus.datasource.username=postgres");
    p.add("-Dportcullis.data-dir=" + dataDir);
    p.add("-Dportcullis.policy.dir=" + policyDir);
    p.addAll(List.of(more));
    return p;
  }

  static PackagedApp start(List<String> systemProperties, Map<String, String> env, Path log)
      throws IOException {
    return start(JAR, systemProperties, env, log);
  }

  /** Starts another build's packaged application (an earlier release, for the upgrade test). */
  static PackagedApp start(
      Path jar, List<String> systemProperties, Map<String, String> env, Path log)
      throws IOException {
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run 'mvn package' first");
    }
    int port = freePort();
    int managementPort = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx384m");
    // C1 only, as the test JVMs (pom.xml argLine): these apps start, work briefly and are stopped
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:ReservedCodeCacheSize=128m"); // C1 alone would get 48 MB
    cmd.add("-Dquarkus.http.port=" + port);
    cmd.add("-Dquarkus.management.port=" + managementPort);
    cmd.addAll(systemProperties);
    cmd.add("-jar");
    cmd.add(jar.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    pb.environment().putAll(env);
    return new PackagedApp(port, managementPort, log, pb.start());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Waits until readiness answers 200, or fails with the log when the process dies. */
  void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "The application exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        if (get("/q/health/ready", null).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Not ready within " + timeout + ":\n" + output());
  }

  HttpResponse<String> get(String path, String basicUser) throws IOException, InterruptedException {
    return get(path, basicUser, null);
  }

  /** POSTs a JSON body with Basic auth (the demo users' password is their name). */
  HttpResponse<String> post(String path, String basicUser, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        request(path, basicUser, null)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String basicUser, String bearer)
      throws IOException, InterruptedException {
    return http.send(
        request(path, basicUser, bearer).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET on the management interface (metrics, OpenAPI), which needs no sign-in. */
  HttpResponse<String> management(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String basicUser, String bearer) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (basicUser != null) {
      b.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((basicUser + ":" + basicUser).getBytes(StandardCharsets.UTF_8)));
    }
    return b;
  }

  String output() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** SIGTERM, as Ctrl-C or Kubernetes would; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("The application did not stop within 40 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** SIGKILL: a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(20, TimeUnit.SECONDS);
    }
  }
}
