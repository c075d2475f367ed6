package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The container image that {@code make image} saves (target/portcullis-image.tar), loaded into
 * podman and run as Kubernetes would run it with the Helm chart's security context: a read-only
 * root filesystem, a non-root user, no capabilities, /tmp on a tmpfs and the data directory on a
 * volume. The demo profile starts the embedded PostgreSQL in that volume.
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

  private final String name = "portcullis-imageit-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> cleanup = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void removeContainerAndVolume() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      podman(Duration.ofSeconds(60), cleanup.get(i).split(" "));
    }
  }

  @Test
  void runsReadOnlyAsNonRootWithTheEmbeddedDatabaseOnAVolume() throws Exception {
    String archive = System.getProperty("image.archive", "");
    assumeTrue(!archive.isBlank(), "no image.archive given: run make image-test");
    assertThat(Path.of(archive)).as("the image archive (make image)").isRegularFile();

    String tag = "%s:%s".formatted(REPOSITORY, chartAppVersion());
    Result load = podman(Duration.ofMinutes(5), "load", "-i", archive);
    assertThat(load.output()).as("podman load").contains(tag);
    assertThat(
            podman(Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Config.User}}", tag)
                .output()
                .strip())
        .as("the image's user")
        .isEqualTo("185");

    String volume = name + "-data";
    podman(Duration.ofSeconds(30), "volume", "create", volume).requireSuccess();
    cleanup.add("volume rm -f " + volume);
    int port = PackagedApp.freePort();
    long started = System.nanoTime();
    cleanup.add("rm -f -t 10 " + name);
    List<String> run = new ArrayList<>(List.of("run"));
    // the runtime and limits this host allows (.ci/podman-run-options, as make image-test passes)
    String hostOptions = System.getProperty("image.run-options", "").strip();
    if (!hostOptions.isEmpty()) {
      run.addAll(List.of(hostOptions.split("\\s+")));
    }
    run.addAll(
        List.of(
            "--detach",
            "--name",
            name,
            "--read-only",
            "--read-only-tmpfs=false",
            "--user",
            "185:0",
            "--cap-drop=ALL",
            "--security-opt=no-new-privileges",
            // exec: the embedded PostgreSQL runs from binaries unpacked into java.io.tmpdir
            "--tmpfs=/tmp:rw,exec,nosuid,nodev,size=512m",
            "--volume=" + volume + ":" + DATA_DIR,
            "--volume=" + Path.of("policies").toAbsolutePath() + ":/etc/portcullis/policies:ro",
            "--publish=127.0.0.1:" + port + ":8080",
            "--env=QUARKUS_PROFILE=demo",
            "--env=JAVA_OPTS_APPEND=-Xmx384m -XX:TieredStopAtLevel=1",
            tag));
    podman(Duration.ofMinutes(2), run.toArray(String[]::new)).requireSuccess();

    awaitReady(port);
    System.out.printf(
        "ImageIT: %s ready after %d s%n",
        tag, Duration.ofNanos(System.nanoTime() - started).toSeconds());

    HttpResponse<String> ready = get(port, "/q/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body()).contains("\"status\": \"UP\"");

    // PID 1 is the JVM (the entrypoint execs it), with every user and group id non-root
    String status = exec("cat", "/proc/1/status");
    assertThat(status).contains("Name:\tjava");
    assertThat(idLine(status, "Uid")).as("real, effective, saved and fs uid").isEqualTo("185");
    assertThat(idLine(status, "Gid")).as("gids").isEqualTo("0");
    assertThat(status).containsPattern("CapEff:\\s+0+\\n");

    // the root filesystem is read-only; the data directory (a volume) holds the demo's state
    assertThat(
            podman(
                    Duration.ofSeconds(30),
                    "inspect",
                    "--format",
                    "{{.HostConfig.ReadonlyRootfs}}",
                    name)
                .output()
                .strip())
        .isEqualTo("true");
    Result write = podman(Duration.ofSeconds(30), "exec", name, "touch", "/deployments/probe");
    assertThat(write.exitCode()).isNotZero();
    assertThat(write.output()).contains("Read-only file system");
    assertThat(exec("ls", DATA_DIR)).contains("pg", "audit-hmac.key", "audit-signing.pem");
    assertThat(exec("ls", DATA_DIR + "/pg")).contains("PG_VERSION");

    // the demo signs in and reads its policies from the mounted directory
    HttpResponse<String> me = get(port, "/api/v1/me", "alice");
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(me.body()).contains("demo:alice");
    HttpResponse<String> catalog = get(port, "/api/v1/catalog", "alice");
    assertThat(catalog.statusCode()).as(catalog.body()).isEqualTo(200);
    assertThat(catalog.body()).contains("demo-db-readonly");

    // SIGTERM (podman stop) ends the JVM, which stops its PostgreSQL first
    podman(Duration.ofSeconds(60), "stop", "-t", "30", name).requireSuccess();
    String exit =
        podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.ExitCode}}", name)
            .output()
            .strip();
    assertThat(exit).as("exit status after SIGTERM").isIn("0", "143");
  }

  private void awaitReady(int port) throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String running =
          podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Running}}", name)
              .output()
              .strip();
      if (!running.equals("true")) {
        throw new AssertionError("The container stopped:\n" + logs());
      }
      try {
        if (get(port, "/q/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("Not ready within " + READY_TIMEOUT + ":\n" + logs());
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

  /** The ids of a /proc status line (Uid: or Gid:) when all four are the same, else the line. */
  private static String idLine(String status, String key) {
    Matcher m =
        Pattern.compile("(?m)^" + key + ":\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$")
            .matcher(status);
    assertThat(m.find()).as(key + " in\n" + status).isTrue();
    boolean same =
        m.group(1).equals(m.group(2))
            && m.group(1).equals(m.group(3))
            && m.group(1).equals(m.group(4));
    return same ? m.group(1) : m.group();
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return get(port, path, null);
  }

  private HttpResponse<String> get(int port, String path, String demoUser)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (demoUser != null) {
      // the demo users' password is their name
      b.header(
          "Authorization",
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString((demoUser + ":" + demoUser).getBytes(StandardCharsets.UTF_8)));
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
