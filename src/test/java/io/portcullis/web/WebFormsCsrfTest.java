package io.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.portcullis.grant.GrantTestProfile;
import io.portcullis.identity.demo.DemoSessions;
import io.portcullis.testing.StubProviderResource;
import io.portcullis.testing.StubProviderServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cross-site request forgery against every state-changing web form (issue 12, item 1): each form is
 * accepted only url-encoded (else 415) and with the CSRF token of the same browser, person and
 * session (else 403). A refused request leaves the object as it was and adds nothing to the audit
 * ledger; the genuine form then still works.
 */
@QuarkusTest
@TestProfile(GrantTestProfile.class)
class WebFormsCsrfTest {

  @Inject DataSource db;

  @AfterEach
  void resetStub() {
    StubProviderResource.stub().reset();
  }

  // ------------------------------------------------------------------ the attacks

  /** One way to forge or spoil a form post, and the status it must get. */
  enum Attack {
    /** A text/plain body (what a cross-site HTML form can send), even with the right token. */
    TEXT_PLAIN(415),
    /** A JSON body, even with the right token. */
    JSON(415),
    /** multipart/form-data without a token. */
    MULTIPART_WITHOUT_TOKEN(415),
    /** A url-encoded form without a token. */
    NO_TOKEN(403),
    /** A url-encoded form with a made-up token. */
    WRONG_TOKEN(403),
    /** The right token, but the CSRF cookie is missing. */
    NO_CSRF_COOKIE(403),
    /** The token of another person's page, sent with that person's CSRF cookie too. */
    ANOTHER_PERSONS_TOKEN_AND_COOKIE(403),
    /** The token of another person's page, with this browser's CSRF cookie. */
    ANOTHER_PERSONS_TOKEN(403),
    /** The token of another session (browser) of the same person, with this browser's cookie. */
    ANOTHER_SESSIONS_TOKEN(403),
    /** The token of another sign-in of the same person, sent with that session's CSRF cookie. */
    ANOTHER_SESSIONS_TOKEN_AND_COOKIE(403);

    final int status;

    Attack(int status) {
      this.status = status;
    }
  }

  /**
   * The browsers of one scenario: the victim whose cookies the request carries, another person, and
   * another session (browser) of the victim.
   */
  record Cast(WebBrowser victim, WebBrowser otherPerson, WebBrowser otherSession) {}

  static final SecureRandom RANDOM = new SecureRandom();

  static Response send(Attack attack, Cast cast, String path, Map<String, String> fields) {
    Map<String, String> cookies = new LinkedHashMap<>(cast.victim().cookies());
    Map<String, String> withToken = new LinkedHashMap<>(fields);
    String token = cast.victim().token();
    switch (attack) {
      case NO_CSRF_COOKIE -> cookies.remove(WebBrowser.CSRF_COOKIE);
      case ANOTHER_PERSONS_TOKEN_AND_COOKIE -> {
        cookies.put(WebBrowser.CSRF_COOKIE, cast.otherPerson().csrfCookie());
        token = cast.otherPerson().token();
      }
      case ANOTHER_PERSONS_TOKEN -> token = cast.otherPerson().token();
      case ANOTHER_SESSIONS_TOKEN -> token = cast.otherSession().token();
      case ANOTHER_SESSIONS_TOKEN_AND_COOKIE -> {
        cookies.put(WebBrowser.CSRF_COOKIE, cast.otherSession().csrfCookie());
        token = cast.otherSession().token();
      }
      case WRONG_TOKEN -> {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      }
      default -> {
        // the victim's own token
      }
    }
    assertThat(token).isNotBlank();
    withToken.put(WebBrowser.CSRF_FIELD, token);
    RequestSpecification r = given().redirects().follow(false).cookies(cookies);
    switch (attack) {
      case TEXT_PLAIN -> r = r.contentType("text/plain").body(urlEncoded(withToken));
      case JSON -> r = r.contentType("application/json").body(json(withToken));
      case MULTIPART_WITHOUT_TOKEN -> {
        r = r.multiPart("submit", "1");
        for (Map.Entry<String, String> f : fields.entrySet()) {
          r = r.multiPart(f.getKey(), f.getValue());
        }
      }
      case NO_TOKEN -> r = r.contentType("application/x-www-form-urlencoded").formParams(fields);
      default -> r = r.contentType("application/x-www-form-urlencoded").formParams(withToken);
    }
    return r.post(path);
  }

  static String urlEncoded(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static String json(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
        .collect(Collectors.joining(",", "{", "}"));
  }

  /**
   * Runs every attack in {@code attacks} against {@code path}: each gets its status, the object's
   * state ({@code state}) stays as it was, and the ledger gains no event by the victim or about the
   * object; {@code also} checks each answer further.
   */
  void refuseAll(
      Set<Attack> attacks,
      Cast cast,
      String path,
      Map<String, String> fields,
      StateProbe state,
      String victimSubject,
      String object,
      Consumer<Response> also)
      throws SQLException {
    String stateBefore = state.read();
    for (Attack attack : attacks) {
      long before = maxSeq();
      Response r = send(attack, cast, path, fields);
      assertThat(r.statusCode())
          .as(attack + " on " + path + ": " + r.asString())
          .isEqualTo(attack.status);
      assertThat(r.getContentType())
          .as(attack + " on " + path)
          .startsWith("application/problem+json");
      assertThat(r.asString()).as(attack + " on " + path).contains("Nothing was changed");
      assertThat(r.getHeader("Location")).as(attack + " on " + path).isNull();
      also.accept(r);
      assertThat(state.read()).as("state after " + attack + " on " + path).isEqualTo(stateBefore);
      assertThat(eventsSince(before, victimSubject, object))
          .as("ledger events of " + attack + " on " + path)
          .isEmpty();
    }
  }

  /** Reads the state of the object under attack, as text. */
  @FunctionalInterface
  interface StateProbe {
    String read() throws SQLException;
  }

  static final Set<Attack> ALL = EnumSet.allOf(Attack.class);

  static final Consumer<Response> NOTHING_MORE = r -> {};

  // ------------------------------------------------------------------ the ledger and the database

  long maxSeq() throws SQLException {
    try (Connection c = db.getConnection();
        ResultSet rs =
            c.createStatement().executeQuery("select coalesce(max(seq), 0) from audit_event")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Events after {@code seq} by {@code subject} or naming {@code object}. The grant engine may log
   * other tests' grants meanwhile; those are not this attempt's and are left out.
   */
  List<String> eventsSince(long seq, String subject, String object) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select seq, event_type, actor_subject, targets::text, details::text from"
                    + " audit_event where seq > ? order by seq")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String line =
              rs.getLong(1)
                  + " "
                  + rs.getString(2)
                  + " by "
                  + rs.getString(3)
                  + " "
                  + rs.getString(4);
          if (rs.getString(3).equals(subject)
              || rs.getString(4).contains(object)
              || rs.getString(5).contains(object)) {
            out.add(line);
          }
        }
      }
    }
    return out;
  }

  String query(String sql, Object... params) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<String> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> cols = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            cols.add(String.valueOf(rs.getObject(i)));
          }
          rows.add(String.join("|", cols));
        }
        return String.join("\n", rows);
      }
    }
  }

  String requestState(String id) throws SQLException {
    return query(
        "select r.state, (select count(*) from request_review v where v.request_id = r.id) from"
            + " access_request r where r.id = ?",
        UUID.fromString(id));
  }

  String grantState(String id) throws SQLException {
    return query(
        "select g.state, g.revoke_requested_at, g.credential_retrieved_at, (select count(*) from"
            + " grant_credential c where c.grant_id = g.id) from access_grant g where g.id = ?",
        UUID.fromString(id));
  }

  // ------------------------------------------------------------------ the scenarios

  /** The reproduction: a text/plain POST with only the session cookie approved. */
  @Test
  void aPlainTextReviewWithOnlyTheSessionCookieApprovesNothing() throws SQLException {
    WebBrowser bob = WebBrowser.signIn("bob");
    String id = GrantPagesTest.request(bob, "lab-stub", "csrf: the reported bypass");
    WebBrowser carol = WebBrowser.signIn("carol");
    long before = maxSeq();
    Response forged =
        given()
            .redirects()
            .follow(false)
            .cookie(DemoSessions.COOKIE, carol.session())
            .contentType("text/plain")
            .body("anything")
            .post("/ui/requests/" + id + "/review");
    assertThat(forged.statusCode()).isEqualTo(415);
    assertThat(requestState(id)).isEqualTo("PENDING|0");
    assertThat(eventsSince(before, "demo:carol", id)).isEmpty();
  }

  @Test
  void reviewFormsAreRefusedUnlessGenuine() throws SQLException {
    WebBrowser bob = WebBrowser.signIn("bob");
    String id = GrantPagesTest.request(bob, "lab-stub", "csrf: review under attack");
    WebBrowser carol = WebBrowser.signIn("carol");
    carol.page("/ui/requests/" + id);
    Cast cast = new Cast(carol, WebBrowser.signIn("dana"), WebBrowser.signIn("carol"));
    String path = "/ui/requests/" + id + "/review";
    refuseAll(
        ALL,
        cast,
        path,
        Map.of("decision", "APPROVE", "comment", "forged"),
        () -> requestState(id),
        "demo:carol",
        id,
        NOTHING_MORE);
    assertThat(requestState(id)).isEqualTo("PENDING|0");

    // the genuine form still works
    long before = maxSeq();
    Response ok = carol.form().formParam("decision", "APPROVE").post(path);
    assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(303);
    assertThat(requestState(id)).isEqualTo("APPROVED|1");
    assertThat(eventsSince(before, "demo:carol", id)).isNotEmpty();
  }

  @Test
  void cancelFormsAreRefusedUnlessGenuine() throws SQLException {
    WebBrowser bob = WebBrowser.signIn("bob");
    String id = GrantPagesTest.request(bob, "lab-stub", "csrf: cancel under attack");
    bob.page("/ui/requests/" + id);
    Cast cast = new Cast(bob, WebBrowser.signIn("dana"), WebBrowser.signIn("bob"));
    String path = "/ui/requests/" + id + "/cancel";
    refuseAll(ALL, cast, path, Map.of(), () -> requestState(id), "demo:bob", id, NOTHING_MORE);
    assertThat(requestState(id)).isEqualTo("PENDING|0");

    Response ok = bob.form().post(path);
    assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(303);
    assertThat(requestState(id)).isEqualTo("CANCELLED|0");
  }

  @Test
  void credentialAndRevokeFormsAreRefusedUnlessGenuine() throws SQLException {
    WebBrowser alice = WebBrowser.signIn("alice");
    String requestId = GrantPagesTest.request(alice, "lab-stub", "csrf: grant under attack");
    String grantId = GrantPagesTest.grantOnRequestPage(alice, requestId);
    GrantPagesTest.awaitState(alice, grantId, "ACTIVE");
    alice.page("/ui/grants/" + grantId);
    Cast cast = new Cast(alice, WebBrowser.signIn("dana"), WebBrowser.signIn("alice"));
    String before = grantState(grantId);
    assertThat(before).isEqualTo("ACTIVE|null|null|1");

    Consumer<Response> noSecret =
        r -> assertThat(r.asString()).doesNotContain(StubProviderServer.CANARY);
    refuseAll(
        ALL,
        cast,
        "/ui/grants/" + grantId + "/credential",
        Map.of(),
        () -> grantState(grantId),
        "demo:alice",
        grantId,
        noSecret);
    refuseAll(
        ALL,
        cast,
        "/ui/grants/" + grantId + "/revoke",
        Map.of("reason", "forged"),
        () -> grantState(grantId),
        "demo:alice",
        grantId,
        NOTHING_MORE);
    assertThat(grantState(grantId)).isEqualTo(before);
    assertThat(StubProviderResource.stub().entry(UUID.fromString(grantId)).live).isTrue();

    // the genuine forms still work
    Response shown = alice.form().post("/ui/grants/" + grantId + "/credential");
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.asString()).contains(StubProviderServer.CANARY);
    Response revoked =
        alice.form().formParam("reason", "done").post("/ui/grants/" + grantId + "/revoke");
    assertThat(revoked.statusCode()).as(revoked.asString()).isEqualTo(303);
    assertThat(grantState(grantId)).doesNotStartWith("ACTIVE");
  }

  @Test
  void requestFormsAreRefusedUnlessGenuine() throws SQLException {
    WebBrowser alice = WebBrowser.signIn("alice");
    alice.page("/ui/catalog");
    String marker = "csrf: submitted under attack " + UUID.randomUUID();
    Cast cast = new Cast(alice, WebBrowser.signIn("dana"), WebBrowser.signIn("alice"));
    StateProbe requests =
        () -> query("select count(*) from access_request where justification = ?", marker);
    refuseAll(
        ALL,
        cast,
        "/ui/requests",
        Map.of("entitlement", "lab-stub", "duration", "PT1H", "justification", marker),
        requests,
        "demo:alice",
        marker,
        NOTHING_MORE);
    assertThat(requests.read()).isEqualTo("0");

    Response ok =
        alice
            .form()
            .formParam("entitlement", "lab-stub")
            .formParam("duration", "PT1H")
            .formParam("justification", marker)
            .post("/ui/requests");
    assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(303);
    assertThat(requests.read()).isEqualTo("1");
  }

  @Test
  void signInFormsAreRefusedUnlessGenuine() throws SQLException {
    WebBrowser visitor = WebBrowser.anonymous();
    // another person's page (signed in) and another visitor's sign-in page
    Cast cast = new Cast(visitor, WebBrowser.signIn("bob"), WebBrowser.anonymous());
    Consumer<Response> noSession =
        r -> assertThat(r.getDetailedCookie(DemoSessions.COOKIE)).as("a session cookie").isNull();
    refuseAll(
        EnumSet.complementOf(EnumSet.of(Attack.ANOTHER_SESSIONS_TOKEN_AND_COOKIE)),
        cast,
        "/login",
        Map.of("username", "alice", "password", "alice", "next", "/"),
        () -> "no state: the answer carries no session",
        "demo:alice",
        "demo:alice",
        noSession);

    Response ok =
        visitor.form().formParam("username", "alice").formParam("password", "alice").post("/login");
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.getCookie(DemoSessions.COOKIE)).isNotBlank();
  }

  @Test
  void signOutFormsAreRefusedUnlessGenuine() throws SQLException {
    WebBrowser alice = WebBrowser.signIn("alice");
    alice.page("/logout");
    Cast cast = new Cast(alice, WebBrowser.signIn("bob"), WebBrowser.signIn("alice"));
    Consumer<Response> stillSignedIn =
        r -> {
          assertThat(r.getDetailedCookie(DemoSessions.COOKIE)).as("the session cookie").isNull();
          alice.get().get("/api/v1/me").then().statusCode(200);
        };
    refuseAll(
        ALL,
        cast,
        "/logout",
        Map.of(),
        () -> "signed in: " + (alice.get().get("/ui/requests").statusCode() == 200),
        "demo:alice",
        "demo:alice",
        stillSignedIn);

    Response ok = alice.form().post("/logout");
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.getDetailedCookie(DemoSessions.COOKIE).getMaxAge()).isZero();
  }

  // ------------------------------------------------------------------ the fields of the forms

  @Test
  void aMissingOrUnknownDecisionIs400AndRecordsNothing() throws SQLException {
    WebBrowser bob = WebBrowser.signIn("bob");
    String id = GrantPagesTest.request(bob, "lab-stub", "csrf: a review without decision");
    WebBrowser carol = WebBrowser.signIn("carol");
    String path = "/ui/requests/" + id + "/review";
    long before = maxSeq();
    carol
        .form()
        .formParam("comment", "no button pressed")
        .post(path)
        .then()
        .statusCode(400)
        .contentType(containsString("text/html"))
        .body(containsString("decision is missing"));
    for (String decision : List.of("", "MAYBE", "APPROVED", "1")) {
      carol
          .form()
          .formParam("decision", decision)
          .post(path)
          .then()
          .statusCode(400)
          .body(containsString("decision must be APPROVE or DENY"));
    }
    assertThat(requestState(id)).isEqualTo("PENDING|0");
    assertThat(eventsSince(before, "demo:carol", id)).isEmpty();

    Response denied = carol.form().formParam("decision", "DENY").post(path);
    assertThat(denied.statusCode()).isEqualTo(303);
    assertThat(requestState(id)).isEqualTo("DENIED|1");
  }

  @Test
  void aReviewCommentOver4000CharactersIs400AndRecordsNothing() throws SQLException {
    WebBrowser bob = WebBrowser.signIn("bob");
    String id = GrantPagesTest.request(bob, "lab-stub", "csrf: a long review comment");
    WebBrowser carol = WebBrowser.signIn("carol");
    String path = "/ui/requests/" + id + "/review";
    assertThat(carol.page("/ui/requests/" + id)).contains("name=\"comment\" maxlength=\"4000\"");
    long before = maxSeq();
    carol
        .form()
        .formParam("decision", "APPROVE")
        .formParam("comment", "x".repeat(4001))
        .post(path)
        .then()
        .statusCode(400)
        .contentType(containsString("text/html"))
        .body(containsString("comment must be at most 4000 characters"));
    assertThat(requestState(id)).isEqualTo("PENDING|0");
    assertThat(eventsSince(before, "demo:carol", id)).isEmpty();

    Response ok =
        carol
            .form()
            .formParam("decision", "APPROVE")
            .formParam("comment", "y".repeat(4000))
            .post(path);
    assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(303);
    assertThat(requestState(id)).isEqualTo("APPROVED|1");
  }

  @Test
  void breakGlassIsOnOrAbsentNothingElse() throws SQLException {
    WebBrowser alice = WebBrowser.signIn("alice");
    String marker = "csrf: break glass maybe " + UUID.randomUUID();
    alice
        .form()
        .formParam("entitlement", "lab-stub")
        .formParam("duration", "PT1H")
        .formParam("justification", marker)
        .formParam("breakGlass", "perhaps")
        .post("/ui/requests")
        .then()
        .statusCode(400)
        .body(containsString("breakGlass"));
    assertThat(query("select count(*) from access_request where justification = ?", marker))
        .isEqualTo("0");
  }

  // ------------------------------------------------------------------ the cookie

  @Test
  void theCsrfCookieIsHostOnlySecureHttpOnlyAndSameSite() {
    Response page = given().get("/login");
    io.restassured.http.Cookie c = page.getDetailedCookie(WebBrowser.CSRF_COOKIE);
    assertThat(c).as("the __Host- CSRF cookie").isNotNull();
    assertThat(c.isSecured()).isTrue();
    assertThat(c.isHttpOnly()).isTrue();
    assertThat(c.getSameSite()).isEqualToIgnoringCase("Lax");
    assertThat(c.getPath()).isEqualTo("/");
    assertThat(c.getDomain()).isNull();
    // the token in the page is not the cookie: it is signed for the cookie, person and session
    WebBrowser visitor = WebBrowser.anonymous();
    assertThat(visitor.token()).isNotEqualTo(visitor.csrfCookie());
  }
}
