package io.portcullis.web.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Keycloak for the browser tests: the {@code keycloak-quarkus-dist} server that the build
 * unpacks into {@code target/keycloak} (maven-dependency-plugin), started once per test JVM in
 * development mode on free ports with an in-memory database and the realm of {@code
 * src/test/resources/keycloak/portcullis-realm.json}, and stopped when the JVM exits. Every browser
 * test (whatever its Quarkus test profile) shares it: it takes most of a minute to start.
 */
public final class KeycloakServer {

  public static final String REALM = "portcullis";
  public static final String CLIENT_ID = "portcullis";

  /** The realm's client secret (a test realm: this secret protects nothing). */
  public static final String CLIENT_SECRET = "portcullis-test-secret";

  /** The audience the realm's access tokens carry for the API (the default OIDC tenant). */
  public static final String API_AUDIENCE = "portcullis-api";

  /** carol's TOTP secret in the realm (Keycloak keys HMAC-SHA1 with these UTF-8 bytes). */
  public static final String CAROL_OTP_SECRET = "portcullis-carol-otp";

  static final Path REALM_FILE = Paths.get("src/test/resources/keycloak/portcullis-realm.json");

  /**
   * The options the server starts with. {@code make run-keycloak} passes the same ones: {@code
   * --db} is a build option, and another value makes Keycloak rebuild itself first (~45 s).
   */
  static final List<String> OPTIONS = List.of("--import-realm", "--db=dev-mem");

  /** Small heap: the realm is tiny, and the machine runs the application and Chromium beside. */
  static final String HEAP = "-Xms64m -Xmx512m";

  /**
   * The client compiler only: a test server never runs long enough to repay C2's compile time, and
   * it starts in about two thirds of the time (measured on two cores: 17-25 s instead of 26-32 s).
   */
  static final String JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=128m";

  static final Duration START_TIMEOUT = Duration.ofMinutes(5);

  private static KeycloakServer running;

  private final Process process;
  private final int port;
  private final Path log;
  private Duration startedIn;

  private KeycloakServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The server, started on first use. */
  public static synchronized KeycloakServer get() {
    if (running == null || !running.process.isAlive()) {
      running = start();
      KeycloakServer server = running;
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "keycloak-stop"));
    }
    return running;
  }

  /** {@code http://localhost:<port>}. */
  public String url() {
    return "http://localhost:" + port;
  }

  /** The realm's issuer URL. */
  public String issuer() {
    return url() + "/realms/" + REALM;
  }

  /** How long it took to answer its discovery document. */
  public Duration startedIn() {
    return startedIn;
  }

  /** Where the unpacked distribution is ({@code portcullis.keycloak.home}, set by surefire). */
  static Path home() {
    String configured = System.getProperty("portcullis.keycloak.home");
    if (configured != null && Files.isDirectory(Paths.get(configured))) {
      return Paths.get(configured);
    }
    try (Stream<Path> dirs = Files.list(Paths.get("target/keycloak"))) {
      return dirs.filter(d -> Files.isExecutable(d.resolve("bin/kc.sh"))).findFirst().orElseThrow();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "No Keycloak in target/keycloak: the build unpacks it (mvn process-test-resources)", e);
    }
  }

  private static KeycloakServer start() {
    Path home = home();
    try {
      Path imports = Files.createDirectories(home.resolve("data/import"));
      Files.copy(
          REALM_FILE, imports.resolve(REALM + "-realm.json"), StandardCopyOption.REPLACE_EXISTING);
      int port = freePort();
      int management = freePort();
      Path log = Files.createDirectories(Paths.get("target")).resolve("keycloak-test.log");
      ProcessBuilder pb = new ProcessBuilder();
      pb.command().add(home.resolve("bin/kc.sh").toString());
      pb.command().add("start-dev");
      pb.command().add("--http-port=" + port);
      pb.command().add("--http-management-port=" + management);
      pb.command().addAll(OPTIONS);
      pb.environment().put("JAVA_OPTS_KC_HEAP", HEAP);
      pb.environment().put("JAVA_OPTS_APPEND", JVM_OPTIONS);
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      long t0 = System.nanoTime();
      Process process = pb.start();
      KeycloakServer server = new KeycloakServer(process, port, log);
      server.awaitReady();
      server.startedIn = Duration.ofNanos(System.nanoTime() - t0);
      System.out.printf(
          "Keycloak %s started in %d s (log: %s)%n",
          server.url(), server.startedIn.toSeconds(), log);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest discovery =
        HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Keycloak exited with " + process.exitValue() + " while starting:\n" + tail());
      }
      try {
        if (http.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    stop();
    throw new IllegalStateException(
        "Keycloak did not answer within " + START_TIMEOUT + ":\n" + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the server (kc.sh passes SIGTERM on to its JVM). */
  void stop() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
