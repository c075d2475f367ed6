package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The {@code portcullis} command line ({@code target/portcullis-cli.jar}, run as its own process,
 * as people run it) against the packaged application on the embedded PostgreSQL, as in {@code make
 * run}: alice asks for the demo database and waits, bob approves from his terminal, alice's wait
 * ends, {@code creds --format psql} runs a real psql against demo_payments with the password in its
 * environment only, she revokes, and the login stops working. Then the JSON outputs against their
 * documented fields, and bad input: each a clear message and its exit code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {

  static final Path CLI_JAR = Path.of("target", "portcullis-cli.jar");
  static final ObjectMapper JSON = new ObjectMapper();

  static Path data;
  static PackagedApp app;

  @BeforeAll
  static void start() throws Exception {
    assertThat(CLI_JAR).as("built by mvn package (maven-shade-plugin)").exists();
    data = Files.createTempDirectory("cli-it");
    app =
        PackagedApp.start(
            List.of(
                "-Dquarkus.profile=demo",
                "-Dportcullis.data-dir=" + data.resolve("data"),
                "-Dportcullis.grants.poll-interval=PT0.5S"),
            Map.of(),
            data.resolve("app.log"));
    app.awaitReady(Duration.ofSeconds(180));
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      app.stop();
    }
  }

  /** One CLI run's outcome. */
  record Run(int code, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  /** A person at a terminal: their own home and config directory. */
  static final class Person {
    final String name;
    final Path home;

    Person(String name) throws IOException {
      this.name = name;
      this.home = Files.createDirectories(data.resolve("home-" + name));
    }

    ProcessBuilder builder(Map<String, String> extraEnv, String... args) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-XX:TieredStopAtLevel=1");
      cmd.add("-jar");
      cmd.add(CLI_JAR.toString());
      cmd.addAll(Arrays.asList(args));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("PORTCULLIS_") || k.startsWith("XDG_"));
      env.put("HOME", home.toString());
      env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
      env.put("PORTCULLIS_URL", "http://localhost:" + app.port);
      env.put("PORTCULLIS_POLL_INTERVAL", "0.3");
      env.putAll(extraEnv);
      return pb;
    }

    Run run(String... args) throws Exception {
      return run(Map.of(), args);
    }

    Run run(Map<String, String> env, String... args) throws Exception {
      Path out = Files.createTempFile(data, name, ".out");
      Path err = Files.createTempFile(data, name, ".err");
      Process p =
          builder(env, args)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("portcullis " + String.join(" ", args) + " did not finish");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    }

    void login() throws Exception {
      Run r = run(Map.of("PORTCULLIS_PASSWORD", name), "login", "--user", name);
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("Signed in to http://localhost:" + app.port);
      Path sessions = home.resolve(".config/portcullis/sessions.json");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessions)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessions.getParent())))
          .isEqualTo("rwx------");
    }
  }

  static Person alice;
  static Person bob;
  static String grant;
  static Path psqlLog;

  static Path psql() throws IOException {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
      Path p = Path.of(dir, "psql");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    // the embedded PostgreSQL's own client, where the binaries bring one
    try (var s = Files.walk(Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg"), 3)) {
      return s.filter(p -> p.endsWith(Path.of("bin", "psql"))).findFirst().orElseThrow();
    }
  }

  @Test
  @Order(1)
  void aliceAsksAndWaitsBobApprovesFromHisTerminalAndTheWaitEndsActive() throws Exception {
    alice = new Person("alice");
    bob = new Person("bob");
    alice.login();
    bob.login();

    Path waitOut = data.resolve("wait.out");
    Path waitErr = data.resolve("wait.err");
    Process waiting =
        alice
            .builder(
                Map.of(),
                "request",
                "demo-db-readonly",
                "--for",
                "2h",
                "--reason",
                "checking the refunds report",
                "--ticket",
                "INC-42",
                "--wait",
                "--output",
                "json")
            .redirectOutput(waitOut.toFile())
            .redirectError(waitErr.toFile())
            .start();

    // bob sees it in his queue
    String request = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (request == null && System.nanoTime() < deadline) {
      Run queue = bob.run("list", "--to-review", "-o", "json");
      assertThat(queue.code()).as(queue.err()).isZero();
      for (JsonNode r : queue.json().get("items")) {
        if (r.get("requester").get("subject").asText().equals("demo:alice")
            && r.get("ticket").asText().equals("INC-42")) {
          request = r.get("id").asText();
        }
      }
      if (request == null) {
        Thread.sleep(300);
      }
    }
    assertThat(request).as("alice's request in bob's queue").isNotNull();
    awaitText(waitErr, "PENDING — waiting for");
    assertThat(Files.readString(waitErr)).contains("group approvers");
    assertThat(waiting.isAlive()).as("alice still waits").isTrue();

    // bob sees what he approves, and approves that version
    Run shown = bob.run("status", request, "-o", "json");
    String digest = shown.json().get("request").get("digest").asText();
    Run approved = bob.run("approve", request, "--comment", "ok for INC-42", "-o", "json");
    assertThat(approved.code()).as(approved.err()).isZero();
    JsonNode a = approved.json();
    assertThat(a.get("request").get("state").asText()).isEqualTo("APPROVED");
    assertThat(a.get("request").get("reviews").get(0).get("digest").asText()).isEqualTo(digest);
    assertThat(a.has("grants")).isTrue();

    assertThat(waiting.waitFor(60, TimeUnit.SECONDS)).as("alice's wait ends").isTrue();
    assertThat(waiting.exitValue()).as(Files.readString(waitErr)).isZero();
    String progress = Files.readString(waitErr);
    assertThat(progress)
        .contains("Request " + request + ": PENDING")
        .contains("Request " + request + ": APPROVED by Bob")
        .contains("ACTIVE until")
        .containsSubsequence(": PENDING", ": APPROVED", "ACTIVE");
    JsonNode done = JSON.readTree(Files.readString(waitOut));
    assertThat(done.get("request").get("id").asText()).isEqualTo(request);
    assertThat(done.get("request").get("state").asText()).isEqualTo("APPROVED");
    JsonNode g = done.get("grants").get(0);
    assertThat(g.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(g.get("entitlement").asText()).isEqualTo("demo-db-readonly");
    grant = g.get("id").asText();
  }

  @Test
  @Order(2)
  void credsStartsPsqlWithThePasswordInItsEnvironmentOnly() throws Exception {
    Path real = psql();
    psqlLog = data.resolve("psql-seen");
    Path wrapper = data.resolve("psql-wrapper");
    // records what psql was given (argv and PGPASSWORD), then runs the real one
    Files.writeString(
        wrapper,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '"
            + psqlLog
            + ".argv'\nprintf '%s' \"$PGPASSWORD\" > '"
            + psqlLog
            + ".password'\nexec '"
            + real
            + "' \"$@\"\n");
    wrapper.toFile().setExecutable(true);
    Run r =
        alice.run(
            "creds",
            grant,
            "--format",
            "psql",
            "--psql",
            wrapper.toString(),
            "--",
            "-tA",
            "-c",
            "select current_user");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo("pc_" + grant.replace("-", ""));
    String password = Files.readString(Path.of(psqlLog + ".password"));
    assertThat(password).isNotBlank();
    assertThat(Files.readString(Path.of(psqlLog + ".argv")))
        .contains("dbname=demo_payments")
        .doesNotContain(password);

    Run again = alice.run("creds", grant, "--format", "env");
    assertThat(again.code()).isEqualTo(7);
    assertThat(again.err()).contains("already taken");
  }

  @Test
  @Order(3)
  void revokeEndsTheGrantAndTheLoginIsRefused() throws Exception {
    Run r = alice.run("revoke", grant, "--reason", "done", "--wait", "-o", "json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().get("grant").get("state").asText()).isEqualTo("REVOKED");

    List<String> argv = Files.readAllLines(Path.of(psqlLog + ".argv"));
    ProcessBuilder pb =
        new ProcessBuilder(psql().toString(), argv.get(0), "-tA", "-c", "select 1")
            .redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", Files.readString(Path.of(psqlLog + ".password")));
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isNotZero();
    assertThat(out).containsAnyOf("password authentication failed", "does not exist");
  }

  @Test
  @Order(4)
  void jsonOutputsHaveTheirDocumentedFields() throws Exception {
    JsonNode who = alice.run("whoami", "-o", "json").json();
    assertThat(who.get("server").asText()).isEqualTo("http://localhost:" + app.port);
    assertThat(who.get("signIn").asText()).isEqualTo("basic");
    assertThat(who.get("me").get("subject").asText()).isEqualTo("demo:alice");
    assertThat(who.get("me").get("groups")).isNotNull();

    JsonNode catalog = alice.run("catalog", "--search", "readonly", "-o", "json").json();
    assertThat(catalog.get("items")).hasSize(1);
    JsonNode entry = catalog.get("items").get(0);
    for (String field :
        List.of("id", "description", "risk", "maxDuration", "defaultDuration", "approvalStages")) {
      assertThat(entry.has(field)).as(field).isTrue();
    }

    JsonNode grants = alice.run("list", "--grants", "-o", "json").json();
    assertThat(grants.has("next")).isTrue();
    JsonNode listed = grants.get("items").get(0);
    for (String field : List.of("id", "requestId", "entitlement", "state", "notAfter")) {
      assertThat(listed.has(field)).as(field).isTrue();
    }

    JsonNode status = alice.run("status", grant, "-o", "json").json();
    assertThat(status.get("request").get("grants").get(0).asText()).isEqualTo(grant);
    assertThat(status.get("grants").get(0).get("state").asText()).isEqualTo("REVOKED");
    for (String field :
        List.of("id", "state", "requester", "entitlements", "duration", "digest", "plan")) {
      assertThat(status.get("request").has(field)).as(field).isTrue();
    }
  }

  @Test
  @Order(5)
  void ctrlCLeavesTheRequestPendingAndSaysHowToResume() throws Exception {
    Run asked =
        alice.run(
            "request",
            "demo-db-admin",
            "--for",
            "1h",
            "--reason",
            "fixing a broken migration",
            "-o",
            "json");
    assertThat(asked.code()).as(asked.err()).isZero();
    String id = asked.json().get("request").get("id").asText();
    Path err = data.resolve("interrupted.err");
    Process waiting =
        alice
            .builder(Map.of(), "status", id, "--wait")
            .redirectOutput(data.resolve("interrupted.out").toFile())
            .redirectError(err.toFile())
            .start();
    awaitText(data.resolve("interrupted.out"), "PENDING");
    new ProcessBuilder("kill", "-INT", Long.toString(waiting.pid())).start().waitFor();
    if (!waiting.waitFor(5, TimeUnit.SECONDS)) {
      // a JVM started with SIGINT ignored (a background job of a non-interactive shell) keeps
      // ignoring it; SIGTERM runs the same shutdown hook
      waiting.destroy();
    }
    assertThat(waiting.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(waiting.exitValue()).isIn(130, 143);
    assertThat(Files.readString(err))
        .contains("stays pending")
        .contains("Resume with: portcullis status " + id + " --wait");
    assertThat(alice.run("status", id, "-o", "json").json().get("request").get("state").asText())
        .isEqualTo("PENDING");
  }

  @Test
  @Order(6)
  void badInputGivesAClearMessageAndItsExitCode() throws Exception {
    Run unknown =
        alice.run("request", "no-such-thing", "--for", "1h", "--reason", "checking something");
    assertThat(unknown.code()).isEqualTo(6);
    assertThat(unknown.err())
        .contains("unknown entitlement 'no-such-thing'")
        .contains("(entitlements");

    Run badDuration =
        alice.run("request", "demo-db-readonly", "--for", "2 fortnights", "--reason", "x");
    assertThat(badDuration.code()).isEqualTo(2);
    assertThat(badDuration.err()).contains("--for: '2 fortnights' is not a duration");

    Run overMax =
        alice.run(
            "request",
            "demo-db-readonly",
            "--for",
            "9h",
            "--reason",
            "checking something",
            "-o",
            "json");
    assertThat(overMax.code()).isEqualTo(6);
    JsonNode error = JSON.readTree(overMax.err()).get("error");
    assertThat(error.get("exitCode").asInt()).isEqualTo(6);
    assertThat(error.get("problem").get("status").asInt()).isEqualTo(422);
    assertThat(error.get("message").asText()).contains("(duration)");

    // an expired bearer token (signed by nobody the demo trusts, exp in 2001)
    String expired =
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZW1vOmFsaWNlIiwiZXhwIjoxMDAwMDAwMDAwfQ.c2lnbmF0dXJl";
    Run token = alice.run(Map.of("PORTCULLIS_TOKEN", expired), "whoami");
    assertThat(token.code()).isEqualTo(3);
    assertThat(token.err()).contains("PORTCULLIS_TOKEN is expired or not valid");

    // a server that is down: signing in to it, and a call with a token
    int port = PackagedApp.freePort();
    String dead = "http://127.0.0.1:" + port;
    Run down =
        alice.run(Map.of("PORTCULLIS_PASSWORD", "alice"), "--server", dead, "login", "-u", "alice");
    assertThat(down.code()).isEqualTo(8);
    assertThat(down.err()).contains("Cannot reach " + dead).contains("Is it running?");
    Run downWithToken =
        alice.run(Map.of("PORTCULLIS_TOKEN", expired, "PORTCULLIS_URL", dead), "catalog");
    assertThat(downWithToken.code()).isEqualTo(8);
    assertThat(downWithToken.err()).contains("Cannot reach " + dead);
    Run notSignedIn = alice.run("--server", dead, "catalog");
    assertThat(notSignedIn.code()).isEqualTo(3);
    assertThat(notSignedIn.err()).contains("Not signed in to " + dead + ": run portcullis login");

    Run notFound = alice.run("status", "00000000-0000-0000-0000-000000000000");
    assertThat(notFound.code()).isEqualTo(5);
    assertThat(notFound.err()).contains("No request or grant");
  }

  /** The launcher's start-up time, measured as a person sees it (5 runs of --version). */
  @Test
  @Order(7)
  void theLauncherStartsQuickly() throws Exception {
    Path launcher = Path.of("bin", "portcullis").toAbsolutePath();
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      Process p =
          new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      millis.add((System.nanoTime() - t0) / 1_000_000);
      assertThat(out).startsWith("portcullis ");
    }
    System.out.println("CliIT: portcullis --version took " + millis + " ms");
    // the target is 0.5 s on a quiet machine; this bound only catches a boot of something big
    assertThat(millis.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(5000);
  }

  static void awaitText(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no '"
            + text
            + "' in "
            + file
            + ":\n"
            + (Files.exists(file) ? Files.readString(file) : ""));
  }
}
