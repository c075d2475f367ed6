package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's walkthrough, automated: {@code make run}'s packaged application on a fresh data
 * directory, driven through its web pages as the demo users would. Alice asks for read access to
 * the demo database for two hours, Bob approves, Alice takes the credential once and reads the
 * payments table with it (but cannot write), revokes early and the login stops working (an open
 * session is cut); a one-minute self-service grant then lapses by itself at its end.
 */
class DemoWalkthroughIT {

  static Path data;
  static PackagedApp app;

  @BeforeAll
  static void start() throws Exception {
    data = Files.createTempDirectory("demo-walkthrough");
    app =
        PackagedApp.start(
            List.of(
                "-Dquarkus.profile=demo",
                "-Dportcullis.data-dir=" + data,
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

  /**
   * A browser: its own cookies (session, CSRF), following no redirects; its forms carry the CSRF
   * token of the last page it opened, as a person's would.
   */
  static final class Browser {
    static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    final HttpClient http;
    final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    String token;

    Browser() {
      http =
          HttpClient.newBuilder()
              .cookieHandler(cookies)
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
    }

    HttpResponse<String> get(String path) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + app.port + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher m = TOKEN.matcher(r.body());
      if (m.find()) {
        token = m.group(1);
      }
      return r;
    }

    boolean hasCsrfCookie() {
      // the demo runs on plain http: its CSRF cookie is not Secure and has no __Host- prefix
      return cookies.getCookieStore().getCookies().stream()
          .anyMatch(c -> c.getName().equals("portcullis-csrf") && !c.getSecure());
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
      return send(path, "application/x-www-form-urlencoded", form, true);
    }

    HttpResponse<String> send(
        String path, String contentType, Map<String, String> form, boolean withToken)
        throws Exception {
      Map<String, String> f = new LinkedHashMap<>(form);
      if (withToken) {
        assertThat(token).as("a page with a form was opened first").isNotNull();
        f.put("csrf-token", token);
      }
      String body =
          f.entrySet().stream()
              .map(
                  e ->
                      URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                          + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      return http.send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + app.port + path))
              .header("Content-Type", contentType)
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  static Browser signIn(String user) throws Exception {
    Browser b = new Browser();
    assertThat(b.get("/login").statusCode()).isEqualTo(200);
    assertThat(b.hasCsrfCookie()).as("the demo's CSRF cookie").isTrue();
    HttpResponse<String> r = b.post("/login", Map.of("username", user, "password", user));
    assertThat(r.statusCode()).as("sign-in of " + user).isEqualTo(303);
    // the start page's sign-out form carries the token of the new session
    assertThat(b.get("/").statusCode()).isEqualTo(200);
    return b;
  }

  static String location(HttpResponse<String> r) {
    return r.headers().firstValue("Location").orElseThrow(() -> new AssertionError(r.body()));
  }

  static String path(String location) {
    return URI.create(location).getPath();
  }

  static String first(Pattern p, String text) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new AssertionError("no match for " + p + " in:\n" + text);
    }
    return m.group(1);
  }

  static final Pattern GRANT_LINK = Pattern.compile("href=\"/ui/grants/([0-9a-f-]{36})\"");

  /** The request page lists its grant once approved. */
  static String grantOf(Browser who, String requestPath) throws Exception {
    return first(GRANT_LINK, who.get(requestPath).body());
  }

  static void awaitState(Browser who, String grant, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String page = "";
    while (System.nanoTime() < deadline) {
      page = who.get("/ui/grants/" + grant).body();
      if (page.contains("state-" + state)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("grant " + grant + " never reached " + state + ":\n" + page);
  }

  /** The fields of the credential page, by name (each in a read-only input or textarea). */
  static Map<String, String> fields(String page) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile(
                "<label for=\"secret-\\d+\">([^<]+)</label>\\s*(?:<textarea[^>]*>(.*?)</textarea>"
                    + "|<input[^>]*\\sreadonly value=\"([^\"]*)\")",
                Pattern.DOTALL)
            .matcher(page);
    while (m.find()) {
      out.put(unescape(m.group(1)), unescape(m.group(2) != null ? m.group(2) : m.group(3)));
    }
    return out;
  }

  static String unescape(String html) {
    return html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }

  static Connection connect(Map<String, String> credential) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", credential.get("username"));
    p.setProperty("password", credential.get("password"));
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(credential.get("jdbc_url"), p);
  }

  @Test
  void requestApproveConnectRevoke() throws Exception {
    // alice asks for two hours of read access: more than the 1-hour self-service, so bob decides
    Browser alice = signIn("alice");
    assertThat(alice.get("/ui/catalog").body()).contains("demo-db-readonly");
    HttpResponse<String> asked =
        alice.post(
            "/ui/requests",
            Map.of(
                "entitlement",
                "demo-db-readonly",
                "duration",
                "PT2H",
                "justification",
                "checking the refunds report",
                "ticket",
                ""));
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(303);
    String request = path(location(asked));
    assertThat(alice.get(request).body()).contains("PENDING");

    Browser bob = signIn("bob");
    assertThat(bob.get("/ui/reviews").body())
        .contains(request.substring(request.lastIndexOf('/') + 1, request.lastIndexOf('/') + 9));
    // a cross-site form (text/plain) with bob's cookies approves nothing
    HttpResponse<String> forged =
        bob.send(request + "/review", "text/plain", Map.of("decision", "APPROVE"), true);
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(415);
    assertThat(bob.get(request).body()).contains("PENDING").contains("Your review");
    HttpResponse<String> approved =
        bob.post(request + "/review", Map.of("decision", "APPROVE", "comment", "go ahead"));
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(303);

    // alice finds her grant active and takes the credential, once
    String grant = grantOf(alice, request);
    awaitState(alice, grant, "ACTIVE");
    HttpResponse<String> shown = alice.post("/ui/grants/" + grant + "/credential", Map.of());
    assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
    assertThat(shown.headers().firstValue("Cache-Control")).contains("no-store");
    Map<String, String> credential = fields(shown.body());
    assertThat(credential).containsKeys("username", "password", "jdbc_url", "psql");
    assertThat(alice.post("/ui/grants/" + grant + "/credential", Map.of()).statusCode())
        .isEqualTo(410);

    // "psql works": the credential reads the demo database, and only reads
    Connection session = connect(credential);
    try (Statement s = session.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from payments")) {
      rs.next();
      assertThat(rs.getInt(1)).isPositive();
    }
    assertThatThrownBy(
            () -> {
              try (Statement s = session.createStatement()) {
                s.executeUpdate("delete from refunds");
              }
            })
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("permission denied");

    // alice is done early: revoking stops the login and cuts the open session
    HttpResponse<String> revoked =
        alice.post("/ui/grants/" + grant + "/revoke", Map.of("reason", "report done"));
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(303);
    awaitState(alice, grant, "REVOKED");
    assertThatThrownBy(() -> connect(credential)).isInstanceOf(SQLException.class);
    assertThatThrownBy(
            () -> {
              try (Statement s = session.createStatement()) {
                s.executeQuery("select 1");
              }
            })
        .isInstanceOf(SQLException.class);
    session.close();

    // a one-minute self-service grant ends by itself
    HttpResponse<String> quick =
        alice.post(
            "/ui/requests",
            Map.of(
                "entitlement",
                "demo-db-readonly",
                "duration",
                "PT1M",
                "justification",
                "a quick look at the refunds",
                "ticket",
                ""));
    assertThat(quick.statusCode()).as(quick.body()).isEqualTo(303);
    String quickGrant = grantOf(alice, path(location(quick)));
    awaitState(alice, quickGrant, "ACTIVE");
    Map<String, String> short1 =
        fields(alice.post("/ui/grants/" + quickGrant + "/credential", Map.of()).body());
    try (Connection c = connect(short1)) {
      assertThat(c.isValid(5)).isTrue();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline
        && !alice.get("/ui/grants/" + quickGrant).body().contains("state-REVOKED")) {
      Thread.sleep(500);
    }
    assertThat(alice.get("/ui/grants/" + quickGrant).body()).contains("state-REVOKED");
    assertThatThrownBy(() -> connect(short1)).isInstanceOf(SQLException.class);
  }

  /**
   * The packaged application makes a demo campaign's evidence pack: a complete, signed ZIP with its
   * summary PDF (the packaged class loader once picked an XML parser API without its parser, which
   * only a packaged run shows).
   */
  @Test
  void theDemoCampaignsEvidencePackDownloads() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String admin =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> opened =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + app.port + "/api/v1/reviews/campaigns"))
                .header("Authorization", admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"definition\":\"demo-quarterly\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
    Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(opened.body());
    assertThat(id.find()).isTrue();
    HttpResponse<byte[]> pack =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://localhost:"
                            + app.port
                            + "/api/v1/reviews/campaigns/"
                            + id.group(1)
                            + "/evidence-pack"))
                .header("Authorization", admin)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(pack.statusCode()).isEqualTo(200);
    List<String> names = new java.util.ArrayList<>();
    byte[] pdf = null;
    try (java.util.zip.ZipInputStream zip =
        new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(pack.body()))) {
      for (java.util.zip.ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        names.add(e.getName());
        byte[] content = zip.readAllBytes();
        if (e.getName().equals("summary.pdf")) {
          pdf = content;
        }
      }
    }
    assertThat(names)
        .contains(
            "activity.csv",
            "population.csv",
            "ledger-extract.jsonl",
            "summary.html",
            "summary.pdf",
            "manifest.json",
            "manifest.sig");
    assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");

    // make verify-pack, offline in a 64 MiB heap, with the key the service publishes
    Path zip = data.resolve("demo-pack.zip");
    Files.write(zip, pack.body());
    HttpResponse<String> keys = app.get("/api/v1/audit/public-keys", "dana");
    Matcher pem = Pattern.compile("\"publicKeyPem\":\"([^\"]+)\"").matcher(keys.body());
    assertThat(pem.find()).as(keys.body()).isTrue();
    Path key = data.resolve("audit.pub");
    Files.writeString(key, pem.group(1).replace("\\n", "\n"));
    AuditExportIT.Verdict intact = verifyPack(zip, key);
    assertThat(intact.code()).as(intact.out()).isZero();
    assertThat(intact.out()).contains("intact: ").doesNotContain("FAILED").doesNotContain("ERROR");

    // the same pack with its ledger extract's last lines cut off
    Path cut = data.resolve("demo-pack-cut.zip");
    try (java.util.zip.ZipInputStream in =
            new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(pack.body()));
        java.util.zip.ZipOutputStream out =
            new java.util.zip.ZipOutputStream(Files.newOutputStream(cut))) {
      for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
        byte[] content = in.readAllBytes();
        if (e.getName().equals("ledger-extract.jsonl")) {
          content = java.util.Arrays.copyOf(content, content.length / 2);
        }
        out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
        out.write(content);
        out.closeEntry();
      }
    }
    AuditExportIT.Verdict tampered = verifyPack(cut, key);
    assertThat(tampered.code()).as(tampered.out()).isEqualTo(1);
    assertThat(tampered.out())
        .contains("NOT INTACT: files: ledger-extract.jsonl has SHA-256")
        .contains("altered or replaced");
  }

  /**
   * {@code make policy-test} runs on the packaged classes without Quarkus (it once failed there: a
   * provider's static logger needed jboss-logging, which the packaged app keeps in lib/boot).
   */
  @Test
  void thePolicyTestsRunOnThePackagedClasses() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                OFFLINE_CP,
                "io.portcullis.catalog.policytest.PolicyTestMain",
                "policies",
                "policies/tests")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).containsPattern("\\d+ passed, 0 failed");
  }

  /** The Makefile's APP_CP: the packaged classes the offline tools run on. */
  static final String OFFLINE_CP =
      "target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*";

  /** {@code make verify-pack PACK=… KEY=…}: the packaged classes, no service, -Xmx64m. */
  static AuditExportIT.Verdict verifyPack(Path pack, Path key) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp",
                OFFLINE_CP,
                "io.portcullis.review.evidence.verify.VerifyPackMain",
                pack.toString(),
                "--public-key",
                key.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return new AuditExportIT.Verdict(p.exitValue(), out);
  }
}
