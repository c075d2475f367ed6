package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.Tokens;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.io.IOException;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image that {@code make image} saves (target/portcullis-image.tar), loaded into
 * podman and run as Kubernetes runs it with the Helm chart's security context: a read-only root
 * filesystem, user 185 in group 0, no capabilities, no new privileges, /tmp on a tmpfs. Once in the
 * demo profile, with the embedded PostgreSQL in a volume at the data directory, and once in the
 * prod profile, against a PostgreSQL and an OIDC provider started by the test, with no writable
 * path but /tmp.
 *
 * <p>Runs with {@code make image-test}, which builds the archive first and names it in the system
 * property {@code image.archive} (and podman's options for this host in {@code image.run-options},
 * from .ci/podman-run-options); skipped without it (as in {@code make test}: the image needs podman
 * and a Debian mirror, see src/docs/operations.md).
 */
class ImageIT {

  private static final String REPOSITORY = "ghcr.io/portcullis/portcullis";
  private static final String DATA_DIR = "/var/lib/portcullis";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);

  /** The image loaded from the archive: {@code <repository>:<the chart's appVersion>}. */
  private static String image;

  @TempDir Path work;
  private final String name = "portcullis-imageit-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void loadTheArchive() throws Exception {
    String archive = System.getProperty("image.archive", "");
    assumeTrue(!archive.isBlank(), "no image.archive given: run make image-test");
    assertThat(Path.of(archive)).as("the image archive (make image)").isRegularFile();
    image = "%s:%s".formatted(REPOSITORY, chartAppVersion());
    Result load = podman(Duration.ofMinutes(5), "load", "-i", archive);
    load.requireSuccess();
    assertThat(load.output()).as("podman load names the chart's image").contains(image);
    assertThat(inspectImage("{{.Config.User}}")).as("the image's user").isEqualTo("185");
    assertThat(inspectImage("{{.Config.Entrypoint}}")).contains("portcullis-entrypoint");
  }

  @AfterEach
  void removeWhatTheTestMade() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  @Test
  void demoRunsReadOnlyAsNonRootWithTheEmbeddedDatabaseOnAVolume() throws Exception {
    String volume = name + "-data";
    podman(Duration.ofSeconds(30), "volume", "create", volume).requireSuccess();
    cleanup.add(() -> podman(Duration.ofSeconds(60), "volume", "rm", "-f", volume));
    int port = PackagedApp.freePort();
    start(
        List.of(
            "--volume=" + volume + ":" + DATA_DIR,
            "--publish=127.0.0.1:" + port + ":8080",
            "--env=QUARKUS_PROFILE=demo"));
    awaitReady(port);
    assertRunsAsNonRootOnAReadOnlyRoot();
    // the data directory (the volume) holds the demo's keys and its PostgreSQL
    assertThat(exec("ls", DATA_DIR)).contains("pg", "audit-hmac.key", "audit-signing.pem");
    assertThat(exec("ls", DATA_DIR + "/pg")).contains("PG_VERSION");

    // the demo signs in and reads its policies from the mounted directory
    HttpResponse<String> me = get(port, "/api/v1/me", basic("alice"));
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(me.body()).contains("demo:alice");
    HttpResponse<String> catalog = get(port, "/api/v1/catalog", basic("alice"));
    assertThat(catalog.statusCode()).as(catalog.body()).isEqualTo(200);
    assertThat(catalog.body()).contains("demo-db-readonly");
    assertStopsOnSigterm();
  }

  @Test
  void prodRunsAsTheChartRunsItWithNothingWritableButTmp() throws Exception {
    EmbeddedPostgresLauncher.Running postgres =
        EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    cleanup.add(postgres);
    OidcWiremockTestResource oidc = new OidcWiremockTestResource();
    String issuer = oidc.start().get("keycloak.url") + "/realms/quarkus";
    cleanup.add(oidc::stop);
    String signingKey =
        Base64.getEncoder()
            .encodeToString(io.portcullis.audit.Ed25519Keys.generate().getPrivate().getEncoded());
    int port = PackagedApp.freePort();
    int managementPort = PackagedApp.freePort();
    // host networking: the database and the identity provider listen on this host's localhost
    start(
        List.of(
            "--network=host",
            "--env=QUARKUS_HTTP_PORT=" + port,
            "--env=PORTCULLIS_MANAGEMENT_PORT=" + managementPort,
            "--env=PORTCULLIS_DB_URL=" + postgres.jdbcUrl().replaceFirst("\\?.*$", ""),
            "--env=PORTCULLIS_DB_USER=postgres",
            "--env=PORTCULLIS_DB_PASSWORD=",
            "--env=PORTCULLIS_OIDC_ISSUER=" + issuer,
            "--env=PORTCULLIS_OIDC_AUDIENCE=" + Tokens.AUDIENCE,
            "--env=PORTCULLIS_OIDC_CLIENT_SECRET=secret",
            "--env=PORTCULLIS_GRANTS_CREDENTIAL_KEY=aW1hZ2UtaXQta2V5LXRoaXJ0eS10d28tYnl0ZXMtISE=",
            "--env=PORTCULLIS_AUDIT_HMAC_KEY=aW1hZ2UtaXQtYXVkaXQtaG1hYy1rZXktMzItYnl0ZXM=",
            "--env=PORTCULLIS_AUDIT_SIGNING_KEY=" + signingKey,
            "--env=PORTCULLIS_REQUESTS_SECURITY_CONTACTS=secops@portcullis.dev"));
    awaitReady(port);
    assertRunsAsNonRootOnAReadOnlyRoot();
    // the image's default profile, the one the chart sets too
    assertThat(inspectContainer("{{.Config.Env}}")).contains("QUARKUS_PROFILE=prod");
    assertThat(logs()).contains("Profile prod activated");

    assertThat(get(port, "/api/v1/me", basic("alice")).statusCode()).isEqualTo(401);
    HttpResponse<String> me =
        get(port, "/api/v1/me", "Bearer " + Tokens.token("image-subject", Set.of("auditors")));
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(me.body()).contains("\"subject\":\"image-subject\"");
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("portcullis_");
    assertStopsOnSigterm();
  }

  /** Runs the image with the chart's security context, this test's options and the policies. */
  private void start(List<String> options) throws Exception {
    List<String> run = new ArrayList<>(List.of("run"));
    // the runtime and limits this host allows (.ci/podman-run-options, as make image-test passes)
    String hostOptions = System.getProperty("image.run-options", "").strip();
    if (!hostOptions.isEmpty()) {
      run.addAll(List.of(hostOptions.split("\\s+")));
    }
    run.addAll(
        List.of(
            "--detach",
            "--name=" + name,
            "--read-only",
            // no tmpfs of podman's own (/run, /var/tmp): only what the chart mounts
            "--read-only-tmpfs=false",
            "--user=185:0",
            "--cap-drop=ALL",
            "--security-opt=no-new-privileges",
            // the chart's /tmp emptyDir; exec: the embedded PostgreSQL runs from binaries unpacked
            // into java.io.tmpdir
            "--tmpfs=/tmp:rw,exec,nosuid,nodev,size=512m",
            "--volume=" + Path.of("policies").toAbsolutePath() + ":/etc/portcullis/policies:ro",
            "--env=JAVA_OPTS_APPEND=-Xmx384m -XX:TieredStopAtLevel=1"));
    run.addAll(options);
    run.add(image);
    cleanup.add(() -> podman(Duration.ofSeconds(60), "rm", "-f", "-t", "10", name));
    podman(Duration.ofMinutes(2), run.toArray(String[]::new)).requireSuccess();
  }

  private void awaitReady(int port) throws Exception {
    long started = System.nanoTime();
    long deadline = started + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!inspectContainer("{{.State.Running}}").equals("true")) {
        throw new AssertionError("The container stopped:\n" + logs());
      }
      try {
        HttpResponse<String> ready = get(port, "/q/health/ready", null);
        if (ready.statusCode() == 200) {
          assertThat(ready.body()).contains("\"status\": \"UP\"");
          System.out.printf(
              "ImageIT: %s ready after %d s%n",
              name, Duration.ofNanos(System.nanoTime() - started).toSeconds());
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("Not ready within " + READY_TIMEOUT + ":\n" + logs());
  }

  private void assertRunsAsNonRootOnAReadOnlyRoot() throws Exception {
    // PID 1 is the JVM (the entrypoint execs it), with every user and group id non-root and no
    // capabilities
    String status = exec("cat", "/proc/1/status");
    assertThat(status).contains("Name:\tjava");
    assertThat(ids(status, "Uid")).as("real, effective, saved and fs uid").isEqualTo("185");
    assertThat(ids(status, "Gid")).as("real, effective, saved and fs gid").isEqualTo("0");
    assertThat(status).containsPattern("CapEff:\\s+0+\\n");
    assertThat(inspectContainer("{{.HostConfig.ReadonlyRootfs}}")).isEqualTo("true");
    for (String path : List.of("/deployments/probe", "/probe", "/etc/probe")) {
      Result write = podman(Duration.ofSeconds(30), "exec", name, "touch", path);
      assertThat(write.exitCode()).as(path).isNotZero();
      assertThat(write.output()).as(path).contains("Read-only file system");
    }
  }

  /** SIGTERM (podman stop), as Kubernetes sends: the JVM, PID 1, ends within the grace period. */
  private void assertStopsOnSigterm() throws Exception {
    Result stop = podman(Duration.ofSeconds(60), "stop", "-t", "30", name);
    stop.requireSuccess();
    assertThat(stop.output()).doesNotContain("SIGKILL");
    // 137 would be SIGKILL
    assertThat(inspectContainer("{{.State.ExitCode}}"))
        .as("exit status after SIGTERM")
        .isIn("0", "143");
  }

  private String logs() throws Exception {
    return podman(Duration.ofSeconds(30), "logs", name).output();
  }

  private String exec(String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of("exec", name));
    args.addAll(List.of(command));
    Result r = podman(Duration.ofSeconds(30), args.toArray(String[]::new));
    r.requireSuccess();
    return r.output();
  }

  private String inspectContainer(String format) throws Exception {
    return podman(Duration.ofSeconds(30), "container", "inspect", "--format", format, name)
        .output()
        .strip();
  }

  private static String inspectImage(String format) throws Exception {
    return podman(Duration.ofSeconds(30), "image", "inspect", "--format", format, image)
        .output()
        .strip();
  }

  /** The id of a /proc status line (Uid: or Gid:) when all four are the same, else the line. */
  private static String ids(String status, String key) {
    Matcher m =
        Pattern.compile("(?m)^" + key + ":\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$")
            .matcher(status);
    assertThat(m.find()).as(key + " in\n" + status).isTrue();
    for (int i = 2; i <= 4; i++) {
      if (!m.group(i).equals(m.group(1))) {
        return m.group();
      }
    }
    return m.group(1);
  }

  /** Basic credentials of a demo user, whose password is their name. */
  private static String basic(String user) {
    return "Basic "
        + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> get(int port, String path, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The chart deploys {@code <repository>:<appVersion>}; make image tags the image so. */
  private static String chartAppVersion() throws IOException {
    Matcher m =
        Pattern.compile("(?m)^appVersion:\\s*\"?([^\"\\s]+)\"?\\s*$")
            .matcher(Files.readString(Path.of("helm", "portcullis", "Chart.yaml")));
    assertThat(m.find()).as("appVersion in helm/portcullis/Chart.yaml").isTrue();
    return m.group(1);
  }

  private record Result(int exitCode, String output, List<String> command) {
    void requireSuccess() {
      assertThat(exitCode).as("%s:%n%s", command, output).isZero();
    }
  }

  private static Result podman(Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(List.of(args));
    Path out = Files.createTempFile("imageit-podman", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish within " + timeout);
      }
      return new Result(p.exitValue(), Files.readString(out), command);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
