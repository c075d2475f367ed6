package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.testing.MovableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-in against stubs: the device authorization grant (RFC 8628) and the refresh token grant at a
 * stand-in identity provider, the demo's Basic users, PORTCULLIS_TOKEN, and the session file's
 * permissions.
 */
class SignInTest {

  @TempDir Path home;
  StubServer stub;
  MovableClock clock = MovableClock.at(Instant.parse("2026-12-03T10:00:00Z"));
  final AtomicInteger polls = new AtomicInteger();
  volatile String deviceAnswer = "pending-once";

  @BeforeEach
  void stubs() throws Exception {
    stub = new StubServer();
    String idp = stub.url() + "/idp";
    stub.route(
            "GET /api/v1/cli/config",
            r ->
                StubServer.Answer.json(
                    200,
                    "{\"issuer\":\""
                        + idp
                        + "\",\"clientId\":\"portcullis-cli\",\"scopes\":[\"openid\"],\"basicSignIn\":true}"))
        .route(
            "GET /idp/.well-known/openid-configuration",
            r ->
                StubServer.Answer.json(
                    200,
                    "{\"issuer\":\""
                        + idp
                        + "\",\"device_authorization_endpoint\":\""
                        + idp
                        + "/device\",\"token_endpoint\":\""
                        + idp
                        + "/token\",\"revocation_endpoint\":\""
                        + idp
                        + "/revoke\"}"))
        .route(
            "POST /idp/device",
            r ->
                StubServer.Answer.json(
                    200,
                    "{\"device_code\":\"dc-1\",\"user_code\":\"WDJB-MJHT\",\"verification_uri\":\""
                        + idp
                        + "/activate\",\"verification_uri_complete\":\""
                        + idp
                        + "/activate?user_code=WDJB-MJHT\",\"expires_in\":600,\"interval\":1}"))
        .route("POST /idp/token", this::token)
        .route("POST /idp/revoke", r -> StubServer.Answer.json(200, ""))
        .route("GET /api/v1/me", this::me);
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  StubServer.Answer token(StubServer.Received r) {
    var f = r.form();
    if (!"portcullis-cli".equals(f.get("client_id"))) {
      return StubServer.Answer.json(401, "{\"error\":\"invalid_client\"}");
    }
    if (Oidc.DEVICE_GRANT.equals(f.get("grant_type")) && "dc-1".equals(f.get("device_code"))) {
      if (deviceAnswer.equals("pending-once") && polls.getAndIncrement() == 0) {
        return StubServer.Answer.json(400, "{\"error\":\"authorization_pending\"}");
      }
      if (deviceAnswer.equals("denied")) {
        return StubServer.Answer.json(400, "{\"error\":\"access_denied\"}");
      }
      return StubServer.Answer.json(
          200,
          "{\"access_token\":\"at-1\",\"expires_in\":300,\"refresh_token\":\"rt-1\",\"token_type\":\"Bearer\"}");
    }
    if ("refresh_token".equals(f.get("grant_type")) && "rt-1".equals(f.get("refresh_token"))) {
      return StubServer.Answer.json(
          200, "{\"access_token\":\"at-2\",\"expires_in\":300,\"refresh_token\":\"rt-2\"}");
    }
    return StubServer.Answer.json(400, "{\"error\":\"invalid_grant\"}");
  }

  StubServer.Answer me(StubServer.Received r) {
    String a = r.authorization();
    if ("Bearer at-1".equals(a) || "Bearer at-2".equals(a) || "Bearer automation".equals(a)) {
      return StubServer.Answer.json(
          200,
          "{\"subject\":\"demo:alice\",\"name\":\"Alice\",\"email\":\"alice@example.com\",\"groups\":[\"engineers\"]}");
    }
    // alice:alice
    if ("Basic YWxpY2U6YWxpY2U=".equals(a)) {
      return StubServer.Answer.json(
          200, "{\"subject\":\"demo:alice\",\"name\":\"alice\",\"groups\":[\"engineers\"]}");
    }
    return new StubServer.Answer(
        401,
        "application/problem+json",
        "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"sign in\"}");
  }

  CliRun cli() {
    return new CliRun(home, clock).env("PORTCULLIS_URL", stub.url());
  }

  @Test
  void deviceSignInShowsTheCodePollsUntilDoneAndKeepsTheSessionOwnerOnly() throws Exception {
    CliRun.Result login = cli().run("login");
    assertThat(login.code()).as(login.err()).isZero();
    assertThat(login.err())
        .contains(stub.url() + "/idp/activate?user_code=WDJB-MJHT")
        .contains("WDJB-MJHT");
    assertThat(login.out())
        .contains("Signed in to " + stub.url() + " as Alice <alice@example.com>");
    assertThat(polls.get()).as("polled again after authorization_pending").isEqualTo(2);
    assertThat(stub.to("/idp/device").get(0).form())
        .containsEntry("client_id", "portcullis-cli")
        .containsEntry("scope", "openid");

    Path dir = home.resolve(".config/portcullis");
    Path file = dir.resolve("sessions.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    JsonNode session = Json.parse(Files.readString(file)).get("servers").get(stub.url());
    assertThat(session.get("kind").asText()).isEqualTo("oidc");
    assertThat(session.get("refreshToken").asText()).isEqualTo("rt-1");

    CliRun.Result who = cli().run("whoami", "-o", "json");
    assertThat(who.code()).as(who.err()).isZero();
    JsonNode w = Json.parse(who.out());
    assertThat(w.get("signIn").asText()).isEqualTo("oidc");
    assertThat(w.get("me").get("subject").asText()).isEqualTo("demo:alice");
    assertThat(stub.to("/api/v1/me").get(stub.to("/api/v1/me").size() - 1).authorization())
        .isEqualTo("Bearer at-1");
  }

  @Test
  void anExpiredAccessTokenIsRefreshedAndTheNewOneKept() {
    assertThat(cli().run("login").code()).isZero();
    clock.advance(Duration.ofMinutes(10));
    CliRun.Result who = cli().run("whoami");
    assertThat(who.code()).as(who.err()).isZero();
    assertThat(stub.to("/idp/token").get(stub.to("/idp/token").size() - 1).form())
        .containsEntry("grant_type", "refresh_token")
        .containsEntry("refresh_token", "rt-1");
    assertThat(stub.to("/api/v1/me").get(stub.to("/api/v1/me").size() - 1).authorization())
        .isEqualTo("Bearer at-2");
    JsonNode session = new SessionStore(home.resolve(".config/portcullis")).session(stub.url());
    assertThat(session.get("refreshToken").asText()).isEqualTo("rt-2");
  }

  @Test
  void aRefusedRefreshAsksToSignInAgain() {
    assertThat(cli().run("login").code()).isZero();
    clock.advance(Duration.ofMinutes(10));
    // the next refresh uses rt-2 after one success; make the stored one unknown instead
    SessionStore store = new SessionStore(home.resolve(".config/portcullis"));
    var s = store.session(stub.url());
    s.put("refreshToken", "revoked");
    store.put(stub.url(), s);
    CliRun.Result who = cli().run("whoami");
    assertThat(who.code()).isEqualTo(ExitCodes.NOT_SIGNED_IN);
    assertThat(who.err()).contains("has expired: run portcullis login");
  }

  @Test
  void aDeniedDeviceSignInFailsWithoutASession() {
    deviceAnswer = "denied";
    CliRun.Result login = cli().run("login");
    assertThat(login.code()).isEqualTo(ExitCodes.NOT_SIGNED_IN);
    assertThat(login.err()).contains("refused at the identity provider");
    assertThat(home.resolve(".config/portcullis/sessions.json")).doesNotExist();
  }

  @Test
  void demoUsersSignInWithBasicAndAWrongPasswordIsRefused() {
    CliRun.Result ok = cli().env("PORTCULLIS_PASSWORD", "alice").run("login", "--user", "alice");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(cli().run("whoami").out()).contains("alice").contains("(basic)");

    CliRun wrong = cli();
    wrong.stdin = "not-her-password\n";
    CliRun.Result refused = wrong.run("login", "--user", "alice");
    assertThat(refused.code()).isEqualTo(ExitCodes.NOT_SIGNED_IN);
    assertThat(refused.err()).contains("wrong user name or password for alice");
  }

  @Test
  void portcullisTokenIsUsedAsIsAndNeverStored() {
    CliRun.Result who = cli().env("PORTCULLIS_TOKEN", "automation").run("whoami", "-o", "json");
    assertThat(who.code()).as(who.err()).isZero();
    assertThat(Json.parse(who.out()).get("signIn").asText()).isEqualTo("token");
    assertThat(home.resolve(".config/portcullis")).doesNotExist();

    CliRun.Result expired = cli().env("PORTCULLIS_TOKEN", "expired").run("whoami");
    assertThat(expired.code()).isEqualTo(ExitCodes.NOT_SIGNED_IN);
    assertThat(expired.err()).contains("PORTCULLIS_TOKEN is expired or not valid");
  }

  @Test
  void logoutForgetsTheSessionAndRevokesTheRefreshToken() {
    CliRun.Result login = cli().env("XDG_CONFIG_HOME", home.resolve("xdg").toString()).run("login");
    assertThat(login.code()).isZero();
    assertThat(home.resolve("xdg/portcullis/sessions.json")).exists();
    CliRun.Result out = cli().env("XDG_CONFIG_HOME", home.resolve("xdg").toString()).run("logout");
    assertThat(out.code()).isZero();
    assertThat(out.out()).contains("Signed out of " + stub.url());
    assertThat(stub.to("/idp/revoke").get(0).form()).containsEntry("token", "rt-1");
    CliRun.Result who = cli().env("XDG_CONFIG_HOME", home.resolve("xdg").toString()).run("whoami");
    assertThat(who.code()).isEqualTo(ExitCodes.NOT_SIGNED_IN);
    assertThat(who.err()).contains("Not signed in to " + stub.url());
  }

  @Test
  void aServerThatIsDownIsSaidSoWithItsAddress() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CliRun.Result r =
        new CliRun(home, clock)
            .env("PORTCULLIS_TOKEN", "automation")
            .run("--server", "http://127.0.0.1:" + port, "catalog");
    assertThat(r.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.err())
        .contains("Cannot reach http://127.0.0.1:" + port)
        .contains("Is it running?");
  }
}
